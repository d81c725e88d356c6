"""What the aid dashboard lists: my cases, tasks due within a week, who is detained now, whose
whereabouts are unknown. Every list starts from ``visible_cases``: nobody learns of a case here that
they could not open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from khronika.aid.access import visible_cases
from khronika.aid.models import Case, CaseMember, DetentionEvent, Intervention, Task
from khronika.aid.timeline import current_states
from khronika.records.models import Person, Place

DUE_WITHIN_DAYS = 7
# Interventions that put someone face to face with the client or move them: police pose as people in
# need to lure helpers, so these are flagged while the client is unverified.
RISKY_TYPE_ROOTS = frozenset({"shelter", "evacuation"})


@dataclass(frozen=True)
class DetainedRow:
    case: Case
    person: Person
    latest: DetentionEvent
    since: datetime
    place: Place | None


def open_cases(user: Any) -> QuerySet[Case]:
    return visible_cases(user).exclude(status=Case.Status.CLOSED)


def my_cases(user: Any) -> QuerySet[Case]:
    return open_cases(user).filter(id__in=CaseMember.objects.filter(user_id=user.pk).values("case_id"))


def due_tasks(user: Any, today: Any = None) -> QuerySet[Task]:
    today = today or timezone.localdate()
    return (
        Task.objects.filter(
            case__in=open_cases(user), done=False, due_on__lte=today + timedelta(DUE_WITHIN_DAYS)
        )
        .select_related("case", "assignee")
        .order_by("due_on", "created_at")
    )


def detained(user: Any) -> tuple[list[DetainedRow], list[DetainedRow]]:
    """(held now, whereabouts unknown), longest first: each person's latest timeline event decides, and
    released or deported people drop off."""
    cases = {str(case.id): case for case in open_cases(user)}
    held: list[DetainedRow] = []
    unknown: list[DetainedRow] = []
    for (case_id, _), state in current_states(cases.values()).items():
        row = DetainedRow(cases[case_id], state.latest.person, state.latest, state.since, state.place)
        if state.whereabouts_unknown:
            unknown.append(row)
        elif state.held:
            held.append(row)
    return sorted(held, key=lambda r: r.since), sorted(unknown, key=lambda r: r.since)


def is_risky(intervention: Intervention) -> bool:
    """A face-to-face meeting, a shelter or an evacuation step that is still ahead."""
    if intervention.status not in (Intervention.Status.PLANNED, Intervention.Status.IN_PROGRESS):
        return False
    term = intervention.intervention_type
    codes = {term.code, term.parent.code if term.parent_id and term.parent else ""}
    return intervention.involves_meeting or bool(codes & RISKY_TYPE_ROOTS)


def unverified_risky_case_ids(cases: list[Case]) -> set[str]:
    """Cases with a risky step planned while the client is not verified: the dashboard flags them."""
    flagged: set[str] = set()
    interventions = Intervention.objects.filter(case__in=cases).select_related(
        "intervention_type", "intervention_type__parent"
    )
    risky_cases = {str(i.case_id) for i in interventions if is_risky(i)}
    for case in cases:
        if str(case.id) in risky_cases and not case.client_verified:
            flagged.add(str(case.id))
    return flagged
