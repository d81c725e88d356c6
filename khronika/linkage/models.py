"""What linkage inside the instance decides: runs of the model, links between two persons, clusters.

Nothing here holds a name or a date of birth: a link names two persons by their ids, with the model's
probability and a human's (or the model's) decision. Merges are reversible by construction (threat
model 6, tampering with evidence): a merge never touches a ``Person``; it is a confirmed ``PersonLink``,
and undoing it (a split) turns that link to rejected. Every decision is also a ledger entry.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khronika.accounts.models import Compartment
from khronika.records.models import Person


class LinkageRun(models.Model):
    """One run of the linkage model over the persons of one compartment, started by a coordinator."""

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting for the worker")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    compartment = models.ForeignKey(
        Compartment, verbose_name=_("compartment"), on_delete=models.PROTECT, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    persons = models.PositiveIntegerField(_("persons compared"), default=0)
    proposed = models.PositiveIntegerField(_("new pairs for review"), default=0)
    confirmed = models.PositiveIntegerField(_("pairs merged automatically"), default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("linkage run")
        verbose_name_plural = _("linkage runs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.state}"


class PersonLink(models.Model):
    """ "Persons ``left`` and ``right`` are the same person": proposed by the model, decided by a human.

    Both persons are always of ``compartment`` (a run never compares across compartments: a reviewer
    must not learn that another team documents the same person). ``left`` is the person with the
    smaller id, so a pair has one row whatever order the model gave it in.
    """

    class State(models.TextChoices):
        PROPOSED = "proposed", _("waiting for review")
        CONFIRMED = "confirmed", _("same person")
        REJECTED = "rejected", _("different people")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    compartment = models.ForeignKey(
        Compartment, verbose_name=_("compartment"), on_delete=models.PROTECT, related_name="+"
    )
    # CASCADE: only deleting a person for good (crypto-shredding, records.deletion) removes its links;
    # the ledger keeps the opaque history of every decision about them.
    left = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField(_("match probability"))
    state = models.CharField(_("state"), max_length=9, choices=State.choices, default=State.PROPOSED)
    automatic = models.BooleanField(
        _("merged by the model"),
        default=False,
        help_text=_("Confirmed without review: very high probability."),
    )
    run = models.ForeignKey(LinkageRun, null=True, on_delete=models.SET_NULL, related_name="links")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-probability", "id"]
        verbose_name = _("person link")
        verbose_name_plural = _("person links")
        constraints = [models.UniqueConstraint(fields=["left", "right"], name="one_link_per_pair")]
        indexes = [models.Index(fields=["compartment", "state", "-probability"])]

    def __str__(self) -> str:
        return f"{self.left_id} ~ {self.right_id} ({self.state})"


class ClusterMember(models.Model):
    """The cluster (one presumed person) a person is in, derived from the confirmed links.

    Recomputed by ``khronika.linkage.decisions.recompute_clusters`` after every decision; a person
    without a row is a cluster of one. ``cluster_id`` is the id of the cluster's earliest recorded
    person, so it stays put while later mentions join.
    """

    person = models.OneToOneField(
        Person, primary_key=True, on_delete=models.CASCADE, related_name="linkage_cluster"
    )
    compartment = models.ForeignKey(Compartment, on_delete=models.PROTECT, related_name="+")
    cluster_id = models.UUIDField(db_index=True)

    class Meta:
        verbose_name = _("cluster member")
        verbose_name_plural = _("cluster members")

    def __str__(self) -> str:
        return f"{self.person_id} in {self.cluster_id}"
