"""A release: differentially private public counts, or an anonymized row-level dataset for a partner.

Threat model 5 (re-identification from publications): the adversary is the perpetrator, who knows every
detention he made. Public figures are therefore noisy counts only, and each spends part of a privacy
budget that is tracked here; row-level data goes to named partners only, generalized and checked. Every
release is requested by one person and approved by a second coordinator (four eyes, threat model 3).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khronika.vault.fields import SensitiveCharField, SensitiveTextField, VaultRecord


class Release(VaultRecord):
    class Kind(models.TextChoices):
        COUNTS = "counts", _("public counts (differentially private)")
        DATASET = "dataset", _("partner dataset (anonymized rows)")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for a second coordinator")
        PUBLISHED = "published", _("approved and released")

    class Granularity(models.TextChoices):
        QUARTER = "quarter", _("quarter")
        HALF = "half", _("half-year")
        YEAR = "year", _("year")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    granularity = models.CharField(
        _("time unit"), max_length=8, choices=Granularity.choices, default=Granularity.QUARTER
    )
    # Counts: the one-way tables to publish ("act_type", "region", "period"). Datasets: the generalization
    # chosen ("place": subject/district/country, and the optional columns kept).
    options = models.JSONField(_("options"), default=dict)
    epsilon = models.FloatField(_("privacy budget spent (ε)"), null=True, blank=True)
    compartments = models.JSONField(default=list, editable=False)
    # Threat model 1: naming a partner organisation can put it at risk (laws on "undesirable
    # organisations"), so the name and the note are encrypted like any narrative.
    partner = SensitiveCharField(_("partner"), max_length=200, blank=True)
    note = SensitiveTextField(_("note"), blank=True)
    # Counts: the published figures (public by design, after noise and suppression).
    figures = models.JSONField(default=dict, blank=True, editable=False)
    # Datasets: the anonymized rows as CSV, encrypted at rest all the same (defence in depth).
    rows_csv = SensitiveTextField(blank=True, editable=False)
    summary = models.JSONField(default=dict, blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")

    def __str__(self) -> str:
        return str(self.id)

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    def tables(self) -> list[str]:
        value: Any = self.options.get("tables", [])
        return [str(t) for t in value]
