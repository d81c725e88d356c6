"""What a reviewer sees of the two records of a pair: enough to judge, no more than their role allows.

Pseudonymized by default (threat model 3, an informant with an account). For persons: initials, birth
year, region and the month of the first incident, which is what a reviewer needs to tell a "Matvey
Shcherbakov, Dagestan, November 2025" from another, and not enough to name anyone. For incidents: the
month, the region, the acts, and how many victims, sources and files each report has; the title and
narrative, which name people and places, are not shown. Identities, titles and narratives are shown
only after an explicit, ledgered reveal by a user who holds ``REVEAL_IDENTITY``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from khronika.ledger.services import Event, object_ref, record_events
from khronika.linkage.instance import first_incidents
from khronika.linkage.models import IncidentLink, Link
from khronika.records.models import Act, Incident, Person, Term

NARRATIVE_PREVIEW = 300
"""Characters of the narrative a reveal shows: enough to compare two accounts, not the whole record."""


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


@dataclass(frozen=True)
class Account:
    """What an incident's record says in words: shown only in the response to a reveal."""

    title: str
    narrative: str
    shortened: bool


@dataclass(frozen=True)
class IncidentCard:
    incident: Incident
    month: str
    region: str
    acts: list[str]
    victims: int
    sources: int
    files: int
    account: Account | None = None


def incident_card(incident: Incident, revealed: bool) -> IncidentCard:
    """Coded facts of one report; its title and the start of its narrative only if ``revealed``."""
    act_rows = Act.objects.filter(incident=incident)
    acts = Term.objects.filter(id__in=act_rows.values("act_type")).order_by("sort_order", "code")
    account = None
    if revealed:
        narrative = incident.narrative or ""
        shortened = len(narrative) > NARRATIVE_PREVIEW
        account = Account(incident.title, narrative[:NARRATIVE_PREVIEW], shortened)
    return IncidentCard(
        incident=incident,
        month=_month(incident),
        region=str(incident.region or incident.place or ""),
        acts=[term.label for term in acts],
        victims=act_rows.exclude(victim=None).values("victim").distinct().count(),
        sources=incident.information.values("source").distinct().count(),
        files=incident.evidence.count(),
        account=account,
    )


def cards(link: Link, revealed: bool = False) -> tuple[Any, Any]:
    """The two sides of ``link``, pseudonymized unless ``revealed`` (the caller ledgers the reveal)."""
    if isinstance(link, IncidentLink):
        return incident_card(link.left, revealed), incident_card(link.right, revealed)
    incidents = first_incidents([link.left_id, link.right_id], link.compartment)
    return (
        card(link.left, incidents.get(link.left_id), revealed),
        card(link.right, incidents.get(link.right_id), revealed),
    )


def reveal(link: Link, user: Any) -> tuple[Any, Any]:
    """Both identities (or both accounts) of a pair, for this one response: one ``reveal`` ledger
    entry per person or incident."""
    record_events(user, [Event("reveal", *object_ref(link.left)), Event("reveal", *object_ref(link.right))])
    return cards(link, revealed=True)
