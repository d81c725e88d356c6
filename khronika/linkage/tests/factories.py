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


def _link(
    link_model: Any, factory: Any, compartment: Compartment, left: Any, right: Any, fields: dict[str, Any]
) -> Any:
    """A proposed link (unless ``state`` says otherwise) between two records of ``compartment``, made
    by ``factory`` where not given, in the order the links table keeps them (by primary key)."""
    one = left or factory.create(compartment=compartment)
    two = right or factory.create(compartment=compartment)
    first, second = sorted((one, two), key=lambda record: str(record.pk))
    fields.setdefault("probability", 0.6)
    return link_model.objects.create(compartment=compartment, left=first, right=second, **fields)


def link_in(
    compartment: Compartment, left: Person | None = None, right: Person | None = None, **fields: Any
) -> PersonLink:
    """A proposed link between two persons of ``compartment`` (``_link``)."""
    link: PersonLink = _link(PersonLink, PersonFactory, compartment, left, right, fields)
    return link


def incident_link_in(
    compartment: Compartment, left: Incident | None = None, right: Incident | None = None, **fields: Any
) -> IncidentLink:
    """A proposed link between two incidents of ``compartment`` (``_link``)."""
    link: IncidentLink = _link(IncidentLink, IncidentFactory, compartment, left, right, fields)
    return link


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
