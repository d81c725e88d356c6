"""What linkage inside the instance decides: runs of the model, links between two persons or two
incidents, clusters.

Nothing here holds a name, a date of birth or a narrative: a link names two records by their ids, with
the model's probability and a human's (or the model's) decision. Merges are reversible by construction
(threat model 6, tampering with evidence): a merge never touches a ``Person`` or an ``Incident``; it is
a confirmed link, and undoing it (a split) turns that link to rejected. Every decision is also a
ledger entry.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khronika.accounts.models import Compartment
from khronika.records.models import Incident, Person


class LinkageRun(models.Model):
    """One run of the linkage model over the persons or the incidents of one compartment, started by a
    coordinator."""

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting for the worker")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Subject(models.TextChoices):
        PERSONS = "persons", _("persons")
        INCIDENTS = "incidents", _("incidents")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    compartment = models.ForeignKey(
        Compartment, verbose_name=_("compartment"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(
        _("what is compared"), max_length=9, choices=Subject.choices, default=Subject.PERSONS
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
    # The records of ``subject`` compared (the column's name dates from when only persons were linked).
    persons = models.PositiveIntegerField(_("records compared"), default=0)
    proposed = models.PositiveIntegerField(_("new pairs for review"), default=0)
    confirmed = models.PositiveIntegerField(_("pairs merged automatically"), default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("linkage run")
        verbose_name_plural = _("linkage runs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.subject} {self.state}"


class Link(models.Model):
    """ "Records ``left`` and ``right`` describe the same thing": proposed by the model, decided by a human.

    Both records are always of ``compartment`` (a run never compares across compartments: a reviewer
    must not learn that another team documents the same person or incident). ``left`` is the record
    with the smaller id, so a pair has one row whatever order the model gave it in. The concrete
    links (``PersonLink``, ``IncidentLink``) add ``left`` and ``right``.
    """

    class State(models.TextChoices):
        PROPOSED = "proposed", _("waiting for review")
        CONFIRMED = "confirmed", _("merged")
        REJECTED = "rejected", _("kept apart")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    compartment = models.ForeignKey(
        Compartment, verbose_name=_("compartment"), on_delete=models.PROTECT, related_name="+"
    )
    probability = models.FloatField(_("match probability"))
    state = models.CharField(_("state"), max_length=9, choices=State.choices, default=State.PROPOSED)
    automatic = models.BooleanField(
        _("merged by the model"),
        default=False,
        help_text=_("Confirmed without review: very high probability."),
    )
    run = models.ForeignKey(LinkageRun, null=True, on_delete=models.SET_NULL, related_name="+")
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

    # Set by the concrete links; declared here for the code that handles either kind.
    left: Any
    right: Any
    left_id: Any
    right_id: Any

    class Meta:
        abstract = True
        ordering = ["-probability", "id"]

    def __str__(self) -> str:
        return f"{self.left_id} ~ {self.right_id} ({self.state})"


class PersonLink(Link):
    """ "Persons ``left`` and ``right`` are the same person"."""

    # CASCADE: only deleting a person for good (crypto-shredding, records.deletion) removes its links;
    # the ledger keeps the opaque history of every decision about them.
    left = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta(Link.Meta):
        verbose_name = _("person link")
        verbose_name_plural = _("person links")
        constraints = [models.UniqueConstraint(fields=["left", "right"], name="one_link_per_pair")]
        indexes = [models.Index(fields=["compartment", "state", "-probability"])]


class IncidentLink(Link):
    """ "Incidents ``left`` and ``right`` are reports of one incident" (a victim's call and a lawyer's
    account of the same detention, say)."""

    # CASCADE, as for persons: only deleting an incident for good removes its links.
    left = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")

    class Meta(Link.Meta):
        verbose_name = _("incident link")
        verbose_name_plural = _("incident links")
        constraints = [models.UniqueConstraint(fields=["left", "right"], name="one_incident_link_per_pair")]
        indexes = [models.Index(fields=["compartment", "state", "-probability"])]


class ClusterMembership(models.Model):
    """The cluster a record is in, derived from the confirmed links.

    Recomputed by ``khronika.linkage.decisions.recompute_clusters`` after every decision; a record
    without a row is a cluster of one. ``cluster_id`` is the id of the cluster's earliest recorded
    member, so it stays put while later mentions join.
    """

    compartment = models.ForeignKey(Compartment, on_delete=models.PROTECT, related_name="+")
    cluster_id = models.UUIDField(db_index=True)

    class Meta:
        abstract = True


class ClusterMember(ClusterMembership):
    """The cluster (one presumed person) a person is in."""

    person = models.OneToOneField(
        Person, primary_key=True, on_delete=models.CASCADE, related_name="linkage_cluster"
    )

    class Meta:
        verbose_name = _("cluster member")
        verbose_name_plural = _("cluster members")

    def __str__(self) -> str:
        return f"{self.person_id} in {self.cluster_id}"


class IncidentClusterMember(ClusterMembership):
    """The cluster (one presumed incident) an incident report is in."""

    incident = models.OneToOneField(
        Incident, primary_key=True, on_delete=models.CASCADE, related_name="linkage_cluster"
    )

    class Meta:
        verbose_name = _("incident cluster member")
        verbose_name_plural = _("incident cluster members")

    def __str__(self) -> str:
        return f"{self.incident_id} in {self.cluster_id}"
