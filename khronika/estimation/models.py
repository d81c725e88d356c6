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
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from khronika.worker.models import Job


class Dimension(models.TextChoices):
    """How a stratum was cut: everything together, or one region, year or kind of act."""

    ALL = "all", _("all records")
    REGION = "region", _("region")
    YEAR = "year", _("year")
    ACT_TYPE = "act_type", _("kind of act")


WORKER_STOPPED = gettext_noop(
    "The background worker stopped while making this estimation, and nothing was stored. Press "
    "“Estimate now” to try again; if it happens again, tell your administrator."
)


class EstimationRun(models.Model):
    """One press of "estimate now": what was read, who was left out, and every stratum's refusal.

    The worker carries it out (``jobs.run_estimation``): a run is created ``queued`` by the page and the
    job fills it in. Rows made before the worker existed, and runs made synchronously, are ``done``.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("finished")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DONE)
    # Why a run failed, as an untranslated message (translated when shown): plain words, never a
    # library's message (it could quote data, threat model 1).
    error = models.TextField(blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True, editable=False)
    job = models.ForeignKey(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
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

    @property
    def pending(self) -> bool:
        """Queued or running, and its job still alive: a job failed for good (its worker killed on the
        last attempt) never comes back to finish the run, and a run made without a job (``instance.run``)
        that stopped half-way has nobody to finish it, so neither is pending any more."""
        if self.status not in (self.Status.QUEUED, self.Status.RUNNING):
            return False
        return self.job is not None and self.job.state not in (Job.State.FAILED, Job.State.DONE)

    @property
    def shown_status(self) -> str:
        """The status to show: a run whose job died without finishing it shows as failed."""
        if self.status in (self.Status.QUEUED, self.Status.RUNNING) and not self.pending:
            return str(self.Status.FAILED)
        return str(self.status)

    def error_message(self) -> str:
        """Why the run failed, in the active language ("" if it did not)."""
        if self.shown_status != self.Status.FAILED:
            return ""
        return gettext(self.error or WORKER_STOPPED)

    def estimate_rows(self) -> list[tuple[Estimate, Estimate | None]]:
        """Each exact estimate with its public (noisy) version, if one was made: staff see the exact
        figure, and beside it what the public sees."""
        estimates = list(self.estimates.all())
        public = {e.noisy_table.source_id: e for e in estimates if e.noisy_table is not None}
        return [(e, public.get(e.pk)) for e in estimates if e.noisy_table_id is None]

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
        AVERAGED = "averaged", _("log-linear, averaged over models")
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
    # Set on the public version of an estimate only: the differentially private table it was made
    # from. Exact estimates (this is None) are never published (``publication.publish``).
    noisy_table = models.OneToOneField(
        "NoisyTable",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="estimate",
        editable=False,
    )

    class Meta:
        ordering = ["-created_at", "dimension", "stratum", "method"]
        verbose_name = _("estimate")
        verbose_name_plural = _("estimates")
        indexes = [models.Index(fields=["published", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.method} {self.dimension}:{self.stratum} {self.estimate:.0f}"


class NoisyTable(models.Model):
    """The capture-history table of one estimate's stratum, with differentially private noise on each
    cell, drawn once to publish that estimate (``publication.publish``).

    Threat model 5: this is what a public estimate is computed from, so the only thing it reveals about
    any one person is bounded by ``epsilon``, which the publishing app's privacy budget counts
    (``khronika.publishing.budget.spent``). Its cells are noisy and may be kept in the clear. A table is
    never deleted (PROTECT from the exact estimate): the budget it spent stays spent, even when the
    estimator refused it or the published estimate is taken back.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.ForeignKey(
        Estimate, on_delete=models.PROTECT, related_name="noisy_tables", verbose_name=_("exact estimate")
    )
    epsilon = models.FloatField(_("privacy budget spent (ε)"))
    lists = models.JSONField(_("lists"), default=list)
    # One [history, noisy count] per cell of the whole domain: history is one 0/1 per list.
    cells = models.JSONField(default=list, editable=False)
    # Why the estimator (or a publication rule) refused the noisy table: message_id and params, as
    # stored for a run's refusals; empty when an estimate was made from it.
    refusal = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("made"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("table with noise")
        verbose_name_plural = _("tables with noise")

    def __str__(self) -> str:
        return f"ε={self.epsilon:g} {self.created_at:%Y-%m-%d %H:%M}"
