"""Estimates made from this instance's own linked records, kept so that a coordinator can publish them.

Nothing here names anyone: a run stores how many people it counted and left out, which lists (source
types) it used and why each stratum it could not estimate was refused; an estimate stores figures, the
model and its diagnostics. The compartments a run read are kept as ids, so that a user sees only
estimates made from compartments they belong to (threat model 3: a count per region tells an informant
with an account what another team documents).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    """How a stratum was cut: everything together, or one region, year or kind of act."""

    ALL = "all", _("all records")
    REGION = "region", _("region")
    YEAR = "year", _("year")
    ACT_TYPE = "act_type", _("kind of act")


class EstimationRun(models.Model):
    """One press of "estimate now": what was read, who was left out, and every stratum's refusal."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("made"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    compartments = models.JSONField(default=list, editable=False)
    lists = models.JSONField(_("lists"), default=list)
    counted = models.PositiveIntegerField(_("people counted"), default=0)
    left_out = models.PositiveIntegerField(_("people left out (no consent to statistics)"), default=0)
    confidential = models.PositiveIntegerField(_("acts left out (confidential incidents)"), default=0)
    # One entry per refused stratum or method: dimension, stratum, method (or ""), code, and the
    # untranslated message with its parameters, translated when shown (``Refusal.message``).
    refusals = models.JSONField(default=list, editable=False)
    seed = models.BigIntegerField(_("random seed"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("estimation run")
        verbose_name_plural = _("estimation runs")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"

    def refusal_messages(self) -> list[dict[str, Any]]:
        """The refusals with their reasons in the active language (stored as msgids with parameters)."""
        shown = []
        for entry in self.refusals:
            method = entry.get("method", "")
            shown.append(
                {
                    **entry,
                    "dimension_label": Dimension(entry["dimension"]).label,
                    "method_label": Estimate.Method(method).label if method else "",
                    "reason": gettext(entry["message_id"]) % entry.get("params", {}),
                }
            )
        return shown


class Estimate(models.Model):
    """One method's estimate of the total (documented and not) for one stratum, with its interval.

    Counts only: no person, no record id. ``published`` is a coordinator's decision that the figure may
    appear in public reports (``khronika.publishing.report.stored_estimates`` shows only those).
    """

    class Method(models.TextChoices):
        LOGLINEAR = "loglinear", _("log-linear model")
        LCMCR = "lcmcr", _("latent classes (LCMCR)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run = models.ForeignKey(EstimationRun, on_delete=models.CASCADE, related_name="estimates")
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    dimension = models.CharField(_("stratified by"), max_length=8, choices=Dimension.choices)
    stratum = models.CharField(_("stratum"), max_length=64)
    lists = models.JSONField(_("lists used"), default=list)
    documented = models.PositiveIntegerField(_("documented"))
    on_several_lists = models.PositiveIntegerField(_("on more than one list"), default=0)
    estimate = models.FloatField(_("estimated total"))
    lower = models.FloatField(_("lower limit (95%)"))
    upper = models.FloatField(_("upper limit (95%)"), null=True, blank=True)
    model = models.CharField(_("model"), max_length=500, blank=True)
    diagnostics = models.JSONField(_("diagnostics"), default=dict)
    created_at = models.DateTimeField(_("made"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published = models.BooleanField(_("published"), default=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "dimension", "stratum", "method"]
        verbose_name = _("estimate")
        verbose_name_plural = _("estimates")
        indexes = [models.Index(fields=["published", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.method} {self.dimension}:{self.stratum} {self.estimate:.0f}"
