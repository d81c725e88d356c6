"""Stage 1 of every release: which acts may be used at all, and the periods they fall in.

Three gates, each answering a threat (docs/publication.md):
- consent: only acts whose victim gave the "publication" consent and has not withdrawn it (the consent
  model's rule: no row, no use);
- age: only incidents that ended at least ``MIN_AGE_DAYS`` ago, so that a release cannot tell a
  perpetrator which of this month's detainees talked to us while the person may still be held;
- confidentiality: incidents marked "confidential" never leave the organisation, in any form.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from khronika.records.models import Act, Consent, Incident, Person, Term

# "At least three months old": 92 days covers any three calendar months.
MIN_AGE_DAYS = 92

_MONTHS_PER_UNIT = {"quarter": 3, "half": 6, "year": 12}


class TooRecent(ValueError):
    """The period reaches into the last three months."""


@dataclass(frozen=True)
class EligibleAct:
    """One usable act, with coded fields only: nothing here names or describes anyone."""

    act_id: str
    victim_id: str
    day: date
    region: str
    act_type: str
    perpetrator_type: str
    age_band: str
    gender: str
    citizenship: str
    days_detained: int | None
    injured: bool
    deported: bool


def latest_allowed_day(today: date) -> date:
    return today - timedelta(days=MIN_AGE_DAYS)


def snap_period(start: date, end: date, unit: str) -> tuple[date, date]:
    """Widen [start, end] to whole time units, so that no published period is shorter than one unit."""
    months = _MONTHS_PER_UNIT[unit]
    first = date(start.year, (start.month - 1) // months * months + 1, 1)
    last_month_start = (end.month - 1) // months * months + 1
    next_start_month = last_month_start + months
    year = end.year + (next_start_month - 1) // 12
    last = date(year, (next_start_month - 1) % 12 + 1, 1) - timedelta(days=1)
    return first, last


def last_releasable_day(today: date, unit: str) -> date:
    """The end of the latest whole time unit that ended at least ``MIN_AGE_DAYS`` ago."""
    cutoff = latest_allowed_day(today)
    first, last = snap_period(cutoff, cutoff, unit)
    return last if last <= cutoff else first - timedelta(days=1)


def period_label(day: date, unit: str) -> str:
    """``2025-Q3``, ``2025-H2`` or ``2025``: sortable, and the same in both languages."""
    if unit == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if unit == "half":
        return f"{day.year}-H{(day.month - 1) // 6 + 1}"
    return str(day.year)


def periods_between(start: date, end: date, unit: str) -> list[str]:
    """Every period label from ``start`` to ``end``, empty ones included (the domain of a table)."""
    months = _MONTHS_PER_UNIT[unit]
    labels: list[str] = []
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        labels.append(period_label(date(year, month, 1), unit))
        month += months
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return labels


def check_period(start: date, end: date, today: date) -> None:
    if end > latest_allowed_day(today):
        raise TooRecent(end)


def act_type_roots() -> dict[str, str]:
    """Each act type's top-level category: tables and datasets use these nine or so broad kinds, never
    the fine ones, so that no cell is made of a rare kind of act that points at one case."""
    parents = dict(Term.objects.filter(vocabulary__code="act_type").values_list("code", "parent__code"))
    roots = {}
    for code in parents:
        root = code
        while parents.get(root):
            root = parents[root]
        roots[code] = root
    return roots


def eligible_acts(compartments: Iterable[int], start: date, end: date, today: date) -> list[EligibleAct]:
    """The acts a release over [start, end] may use, from ``compartments`` only."""
    check_period(start, end, today)
    cutoff = latest_allowed_day(today)
    consenting = Person.objects.with_consent(Consent.Scope.PUBLICATION).values("id")
    rows = (
        Act.objects.filter(
            incident__compartment__in=list(compartments),
            incident__date_start__gte=start,
            incident__date_start__lte=end,
            victim__in=consenting,
        )
        .filter(Q(incident__date_end__isnull=True) | Q(incident__date_end__lte=cutoff))
        .exclude(incident__confidentiality=Incident.Confidentiality.CONFIDENTIAL)
        .order_by("incident__date_start", "id")
        .values_list(
            "id",
            "victim_id",
            "incident__date_start",
            "incident__region__code",
            "act_type__code",
            "perpetrator_type__code",
            "victim__age_band__code",
            "victim__gender__code",
            "victim__citizenship__code",
            "days_detained",
            "injured",
            "deported",
        )
    )
    roots = act_type_roots()
    return [
        EligibleAct(
            act_id=str(a),
            victim_id=str(v),
            day=day,
            region=region or "",
            act_type=roots.get(kind, kind),
            perpetrator_type=perp or "",
            age_band=age or "",
            gender=sex or "",
            citizenship=cit or "",
            days_detained=days,
            injured=hurt,
            deported=dep,
        )
        for a, v, day, region, kind, perp, age, sex, cit, days, hurt, dep in rows
        if day is not None  # the filter on date_start already excludes these; for the type checker
    ]
