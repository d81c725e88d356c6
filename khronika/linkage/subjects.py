"""What a run links, persons or incidents, and the models that hold each kind's links and clusters.

Storing the model's pairs, a reviewer's decisions and the clusters they add up to are the same work for
both kinds of record; each function takes the ``Subject`` (or finds it from a link) instead of naming
``PersonLink`` or ``IncidentLink``. Adding a third kind of record is a new ``Subject`` here, its two
models and a ``*_records`` function in ``instance``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models

from khronika.linkage.models import (
    ClusterMember,
    ClusterMembership,
    IncidentClusterMember,
    IncidentLink,
    Link,
    LinkageRun,
    PersonLink,
)
from khronika.records.models import Incident, Person


@dataclass(frozen=True)
class Subject:
    """One kind of record that linkage deduplicates."""

    name: str
    """``LinkageRun.Subject`` value; also the ``subject`` of the review pages' URLs."""
    link_model: type[Link]
    member_model: type[ClusterMembership]
    record_model: type[models.Model]
    member_field: str
    """The member model's one-to-one field to the record (its reverse is ``linkage_cluster``)."""

    # ``Any``: ``left``, ``right`` and the member's record are fields of the concrete models, which a
    # type checker cannot see through ``type[Link]``.
    def links(self) -> models.QuerySet[Any]:
        return self.link_model._default_manager.all()

    def members(self) -> models.QuerySet[Any]:
        return self.member_model._default_manager.all()

    def records(self) -> models.QuerySet[Any]:
        return self.record_model._default_manager.all()


PERSONS = Subject(LinkageRun.Subject.PERSONS, PersonLink, ClusterMember, Person, "person")
INCIDENTS = Subject(LinkageRun.Subject.INCIDENTS, IncidentLink, IncidentClusterMember, Incident, "incident")
SUBJECTS = {subject.name: subject for subject in (PERSONS, INCIDENTS)}


def of_link(link: Link) -> Subject:
    return next(subject for subject in SUBJECTS.values() if isinstance(link, subject.link_model))


def of_record(record: models.Model) -> Subject:
    return next(subject for subject in SUBJECTS.values() if isinstance(record, subject.record_model))
