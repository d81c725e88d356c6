"""Sources (who told us) and information (what they told us, about which incident or act)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khronika.accounts.models import Compartment
from khronika.records.models.incidents import Act, Incident
from khronika.records.models.vocabularies import Term
from khronika.records.pseudonyms import UniqueCodeMixin, new_code
from khronika.vault.fields import SensitiveCharField, SensitiveTextField, VaultRecord


def new_source_reference() -> str:
    return new_code("S")


class Source(UniqueCodeMixin, VaultRecord):
    class Reliability(models.TextChoices):
        # The Admiralty grading used by human-rights documentation (reliability of the source).
        A = "A", _("A: completely reliable")
        B = "B", _("B: usually reliable")
        C = "C", _("C: fairly reliable")
        D = "D", _("D: not usually reliable")
        E = "E", _("E: unreliable")
        F = "F", _("F: reliability cannot be judged")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=16, unique=True, default=new_source_reference)
    compartment = models.ForeignKey(Compartment, verbose_name=_("compartment"), on_delete=models.PROTECT)
    source_type = models.ForeignKey(
        Term,
        verbose_name=_("type of source"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"vocabulary__code": "source_type"},
    )
    # A lawyer's or a witness's name identifies them: sensitive. For media, the outlet's name.
    name = SensitiveCharField(_("name"), max_length=300)
    contact = SensitiveTextField(_("contact"), blank=True)
    url = SensitiveTextField(_("address (URL)"), blank=True)
    reliability = models.CharField(_("reliability"), max_length=1, choices=Reliability.choices, default="F")
    language = models.CharField(_("language"), max_length=8, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    code_field, code_prefix = "reference", "S"

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.reference

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            self.ensure_unique_code()
        super().save(*args, **kwargs)


class Information(VaultRecord):
    """What one source said about one incident (and possibly one act of it)."""

    class Credibility(models.TextChoices):
        CONFIRMED = "1", _("1: confirmed by other sources")
        PROBABLE = "2", _("2: probably true")
        POSSIBLE = "3", _("3: possibly true")
        DOUBTFUL = "4", _("4: doubtful")
        IMPROBABLE = "5", _("5: improbable")
        UNKNOWN = "6", _("6: truth cannot be judged")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="information")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="information")
    act = models.ForeignKey(Act, null=True, blank=True, on_delete=models.SET_NULL, related_name="information")
    credibility = models.CharField(_("credibility"), max_length=1, choices=Credibility.choices, default="6")
    retrieved_on = models.DateField(_("received or retrieved on"), default=timezone.localdate)
    language = models.CharField(_("language"), max_length=8, blank=True)
    original_text = SensitiveTextField(_("what the source said"), blank=True)

    class Meta:
        ordering = ["retrieved_on"]
        verbose_name = _("information")
        verbose_name_plural = _("information")
        indexes = [models.Index(fields=["incident", "source"])]

    def __str__(self) -> str:
        return f"{self.source} → {self.incident}"
