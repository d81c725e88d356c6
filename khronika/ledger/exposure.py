"""Exposure: when a colleague is detained, what his account could open and what it did open.

Threat model 2 (a seized, unlocked device, a forced login): the team must know at once whom to warn.
"Could" is everything in the account's compartments now; "did" is what the ledger shows it opened,
revealed, exported, created or changed since a date. Both are given as references and pseudonyms,
never names: the list is read by people deciding whom to call, possibly on a shared screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Model
from django.utils import timezone

from khronika.accounts.access import compartment_ids, visible
from khronika.accounts.models import Compartment, User
from khronika.ledger.labels import labels_for
from khronika.ledger.models import LedgerEntry
from khronika.ledger.services import actor_id
from khronika.records.models import Incident, Person, Source

# Ledger actions that mean the account saw the record. "view" entries come from opening a record's page.
TOUCHING_ACTIONS = ("view", "reveal", "export", "create", "update")


@dataclass(frozen=True)
class Reachable:
    """Records of one kind in the account's compartments."""

    total: int
    labels: list[str]  # references or pseudonyms the reader may see

    @property
    def not_shown(self) -> int:
        """How many lie in compartments the reader does not belong to (counted, not named)."""
        return self.total - len(self.labels)


@dataclass(frozen=True)
class Touched:
    """One record the account acted on, with every such action since the date."""

    object_type: str
    object_id: str
    label: str  # reference or pseudonym; "" when the reader may not see the record
    actions: list[str]
    last_at: datetime


@dataclass(frozen=True)
class Exposure:
    account: User
    since: date
    compartments: list[str]
    incidents: Reachable
    persons: Reachable
    sources: Reachable
    touched: list[Touched]


def exposure(account: User, since: date, reader: Any | None = None) -> Exposure:
    """What ``account`` could open now and did touch since ``since`` (a day, from its first moment, UTC).

    With a ``reader`` (a coordinator on the web page) references are shown only for records in the
    reader's own compartments and the rest are counted: looking at a colleague's exposure must not
    become a way round compartments (threat model 3). ``None`` (the operator's command line) shows all.
    """
    in_reach = compartment_ids(account)
    return Exposure(
        account=account,
        since=since,
        compartments=list(Compartment.objects.filter(id__in=in_reach).values_list("name", flat=True)),
        incidents=_reachable(Incident, "reference", in_reach, reader),
        persons=_reachable(Person, "pseudonym", in_reach, reader),
        sources=_reachable(Source, "reference", in_reach, reader),
        touched=_touched(account, since, reader),
    )


def _reachable(model: type[Model], field: str, in_reach: list[int], reader: Any | None) -> Reachable:
    records = model._default_manager.filter(compartment__in=in_reach)
    shown = records if reader is None else visible(records, reader)
    return Reachable(total=records.count(), labels=list(shown.order_by(field).values_list(field, flat=True)))


def _touched(account: User, since: date, reader: Any | None) -> list[Touched]:
    start = timezone.make_aware(datetime.combine(since, time.min))
    entries = LedgerEntry.objects.filter(
        actor=actor_id(account), action__in=TOUCHING_ACTIONS, at__gte=start
    ).order_by("seq")
    grouped: dict[tuple[str, str], tuple[list[str], datetime]] = {}
    for object_type, object_id, action, at in entries.values_list("object_type", "object_id", "action", "at"):
        actions, _ = grouped.get((object_type, object_id), ([], at))
        if action not in actions:
            actions.append(action)
        grouped[(object_type, object_id)] = (actions, at)
    labels = labels_for(grouped.keys(), reader)
    touched = [
        Touched(object_type, object_id, labels.get((object_type, object_id), ""), actions, last_at)
        for (object_type, object_id), (actions, last_at) in grouped.items()
    ]
    return sorted(touched, key=lambda t: (t.object_type, t.label or "~", t.object_id))
