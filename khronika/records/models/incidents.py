"""Incidents (events) and acts (one violation each: who did what to whom)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khronika.accounts.models import Compartment
from khronika.records.dates import Precision, format_partial_date
from khronika.records.models.people import Organisation, Person
from khronika.records.models.places import Place
from khronika.records.models.vocabularies import Term
from khronika.records.pseudonyms import UniqueCodeMixin, new_code
from khronika.vault.fields import SensitiveTextField, VaultRecord


def new_incident_reference() -> str:
    return new_code("I")


class Incident(UniqueCodeMixin, VaultRecord):
    class Status(models.TextChoices):
        REPORTED = "reported", _("reported")
        CORROBORATED = "corroborated", _("corroborated")
        VERIFIED = "verified", _("verified")

    class Confidentiality(models.TextChoices):
        RESTRICTED = "restricted", _("restricted: staff of the compartment")
        CONFIDENTIAL = "confidential", _("confidential: never in exports to partners")
        PUBLIC = "public", _("may be published in anonymized form")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=16, unique=True, default=new_incident_reference)
    compartment = models.ForeignKey(Compartment, verbose_name=_("compartment"), on_delete=models.PROTECT)
    title = SensitiveTextField(_("title"), blank=True)
    narrative = SensitiveTextField(_("what happened"), blank=True)
    date_start = models.DateField(_("date"), null=True, blank=True)
    date_end = models.DateField(_("until"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"), max_length=12, choices=Precision.choices, default=Precision.DAY
    )
    place = models.ForeignKey(Place, verbose_name=_("place"), null=True, blank=True, on_delete=models.PROTECT)
    # Derived from ``place`` on save, so that filtering by region needs no walk up the gazetteer.
    region = models.ForeignKey(
        Place,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.REPORTED)
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=14,
        choices=Confidentiality.choices,
        default=Confidentiality.RESTRICTED,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    code_field, code_prefix = "reference", "I"

    class Meta:
        ordering = ["-date_start", "reference"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [
            models.Index(fields=["compartment", "-date_start"]),
            models.Index(fields=["region", "-date_start"]),
            models.Index(fields=["status"]),
            # The in-memory search index asks for the latest change before every search.
            models.Index(fields=["updated_at"]),
            # The incident list in its own order, with the columns its filters read: pages and counts are
            # answered from this index without reading the rows, which the narrative makes wide
            # (benchmarks/records_pages.py).
            models.Index(
                fields=["-date_start", "reference", "compartment", "status", "region", "date_end", "id"],
                name="incident_list_order",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            self.ensure_unique_code()
        self.region = self.place.region if self.place else None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "place" in update_fields:
            kwargs["update_fields"] = {*update_fields, "region"}
        super().save(*args, **kwargs)

    @property
    def date_display(self) -> str:
        text = format_partial_date(self.date_start, self.date_precision)
        if self.date_end and self.date_precision == Precision.DAY and self.date_end != self.date_start:
            text += f" – {self.date_end.isoformat()}"
        return text


class Act(VaultRecord):
    """One violation: its type, the victim, the perpetrator, and what it led to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="acts")
    act_type = models.ForeignKey(
        Term,
        verbose_name=_("act"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"vocabulary__code": "act_type"},
    )
    victim = models.ForeignKey(
        Person,
        verbose_name=_("victim"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="acts_suffered",
    )
    perpetrator_type = models.ForeignKey(
        Term,
        verbose_name=_("perpetrator type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"vocabulary__code": "perpetrator_type"},
    )
    perpetrator_unit = models.ForeignKey(
        Organisation,
        verbose_name=_("perpetrator unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="acts",
    )
    perpetrator_person = models.ForeignKey(
        Person,
        verbose_name=_("perpetrator (person)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="acts_committed",
    )
    legal_article = models.ForeignKey(
        Term,
        verbose_name=_("legal article invoked"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"vocabulary__code": "legal_article"},
    )
    legal_article_part = models.CharField(_("part of the article"), max_length=10, blank=True)
    discovery_method = models.ForeignKey(
        Term,
        verbose_name=_("how the victim was found"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"vocabulary__code": "discovery_method"},
    )
    days_detained = models.PositiveIntegerField(_("days in detention"), null=True, blank=True)
    fine_rub = models.PositiveIntegerField(_("fine (roubles)"), null=True, blank=True)
    injured = models.BooleanField(_("injured"), default=False)
    deported = models.BooleanField(_("deported"), default=False)
    description = SensitiveTextField(_("details"), blank=True)

    class Meta:
        ordering = ["incident", "act_type__sort_order"]
        verbose_name = _("act")
        verbose_name_plural = _("acts")
        indexes = [
            models.Index(fields=["act_type", "incident"]),
            models.Index(fields=["perpetrator_type", "incident"]),
        ]

    def __str__(self) -> str:
        return f"{self.incident} {self.act_type}"
