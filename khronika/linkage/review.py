"""What a reviewer sees of the two persons of a pair: enough to judge, no more than their role allows.

Pseudonymized by default (threat model 3, an informant with an account): initials, birth year, region
and the month of the first incident, which is what a reviewer needs to tell a "Matvey Shcherbakov,
Dagestan, November 2025" from another, and not enough to name anyone. The full identity is shown only
after an explicit, ledgered reveal by a user who holds ``REVEAL_IDENTITY``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from khronika.ledger.services import Event, object_ref, record_events
from khronika.linkage.instance import first_incidents
from khronika.linkage.models import PersonLink
from khronika.records.models import Incident, Person


@dataclass(frozen=True)
class Identity:
    """Shown only in the response to a reveal."""

    full_name: str
    name_latin: str
    aliases: str
    birth_date: str


@dataclass(frozen=True)
class PersonCard:
    person: Person
    initials: str
    birth_year: str
    region: str
    incident_month: str
    identity: Identity | None = None


def initials(person: Person) -> str:
    """ "М. Щ." for Матвей Щербаков: given name, then family name, each cut to its first letter."""
    letters = [
        part.strip()[0].upper() + "." for part in (person.given_name, person.family_name) if part.strip()
    ]
    return " ".join(letters)


def _month(incident: Incident | None) -> str:
    if incident is None or incident.date_start is None:
        return ""
    if incident.date_precision == "year":
        return f"{incident.date_start.year:04d}"
    return incident.date_start.strftime("%Y-%m")


def card(person: Person, incident: Incident | None, revealed: bool) -> PersonCard:
    place = incident.region if incident and incident.region else person.region
    region = place.region if place is not None else None
    identity = None
    if revealed:
        identity = Identity(person.full_name, person.name_latin, person.aliases, person.birth_date)
    return PersonCard(
        person=person,
        initials=initials(person),
        birth_year=(person.birth_date or "")[:4],
        region=str(region or place or ""),
        incident_month=_month(incident),
        identity=identity,
    )


def cards(link: PersonLink, revealed: bool = False) -> tuple[PersonCard, PersonCard]:
    """The two sides of ``link``, pseudonymized unless ``revealed`` (the caller ledgers the reveal)."""
    incidents = first_incidents([link.left_id, link.right_id], link.compartment)
    return (
        card(link.left, incidents.get(link.left_id), revealed),
        card(link.right, incidents.get(link.right_id), revealed),
    )


def reveal(link: PersonLink, user: Any) -> tuple[PersonCard, PersonCard]:
    """Both identities of a pair, for this one response: one ``reveal`` ledger entry per person."""
    record_events(user, [Event("reveal", *object_ref(link.left)), Event("reveal", *object_ref(link.right))])
    return cards(link, revealed=True)
