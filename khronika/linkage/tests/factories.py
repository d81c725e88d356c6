"""Links between two synthetic persons or incidents, for tests that need a pair but not a run of the model."""

from __future__ import annotations

from datetime import date
from typing import Any

from khronika.accounts.models import Compartment
from khronika.linkage.models import IncidentLink, PersonLink
from khronika.records.dates import Precision
from khronika.records.models import Incident, Person
from khronika.testing.factories import (
    ActFactory,
    IncidentFactory,
    InformationFactory,
    PersonFactory,
    place,
    term,
)


def link_in(
    compartment: Compartment, left: Person | None = None, right: Person | None = None, **fields: Any
) -> PersonLink:
    """A proposed link (unless ``state`` says otherwise) between two persons of ``compartment``."""
    one: Person = left or PersonFactory.create(compartment=compartment)
    two: Person = right or PersonFactory.create(compartment=compartment)
    first, second = sorted((one, two), key=lambda person: str(person.pk))
    fields.setdefault("probability", 0.6)
    return PersonLink.objects.create(compartment=compartment, left=first, right=second, **fields)


def incident_link_in(
    compartment: Compartment, left: Incident | None = None, right: Incident | None = None, **fields: Any
) -> IncidentLink:
    """A proposed link (unless ``state`` says otherwise) between two incidents of ``compartment``."""
    one: Incident = left or IncidentFactory.create(compartment=compartment)
    two: Incident = right or IncidentFactory.create(compartment=compartment)
    first, second = sorted((one, two), key=lambda incident: str(incident.pk))
    fields.setdefault("probability", 0.6)
    return IncidentLink.objects.create(compartment=compartment, left=first, right=second, **fields)


def report(
    compartment: Compartment,
    on: date,
    precision: str = Precision.DAY,
    where: str = "RU-DA:makhachkala",
    act: str = "arbitrary-detention",
    victim: Person | None = None,
    source: str | None = None,
    **fields: Any,
) -> Incident:
    """A synthetic report of an incident: one act against ``victim``, told by a source of type ``source``."""
    incident: Incident = IncidentFactory.create(
        compartment=compartment,
        date_start=on,
        date_end=on,
        date_precision=precision,
        place=place(where),
        **fields,
    )
    ActFactory.create(incident=incident, act_type=term("act_type", act), victim=victim)
    if source:
        InformationFactory.create(
            incident=incident,
            source__source_type=term("source_type", source),
            source__compartment=compartment,
        )
    return incident
