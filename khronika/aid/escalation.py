"""Escalating a case when a detained person's whereabouts stay unknown too long.

Relatives and lawyers sometimes cannot learn for weeks where a person is held; the first days are when
an inquiry, a public campaign or an urgent appeal to the UN can still change something. So an unknown
whereabouts that lasts longer than ``AID_WHEREABOUTS_ESCALATION_HOURS`` raises an alert for coordinators
and marks the case escalated. Called by the worker every few minutes; idempotent: one alert per
disappearance, however often it runs, and a new one if the person disappears again after being found.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from khronika.accounts.models import Alert
from khronika.aid.models import Case, DetentionEvent
from khronika.aid.timeline import current_states
from khronika.ledger.services import record


def unknown_since(now: datetime) -> datetime:
    return now - timedelta(hours=settings.AID_WHEREABOUTS_ESCALATION_HOURS)


def escalate_unknown_whereabouts(now: datetime) -> list[Case]:
    """Escalate every open case with a person whose latest event is "whereabouts unknown" older than the
    escalation time, unless it was escalated since. Returns the cases escalated by this call."""
    cutoff = unknown_since(now)
    candidates = DetentionEvent.objects.filter(
        kind=DetentionEvent.Kind.WHEREABOUTS_UNKNOWN, occurred_at__lte=cutoff
    ).exclude(case__status=Case.Status.CLOSED)
    case_ids = set(candidates.values_list("case_id", flat=True))
    escalated = []
    for case in Case.objects.filter(id__in=case_ids):
        starts = [
            state.since
            for state in current_states([case]).values()
            if state.whereabouts_unknown and state.since <= cutoff
        ]
        if starts and _escalate(case, min(starts), now):
            escalated.append(case)
    return escalated


@transaction.atomic
def _escalate(case: Case, disappeared: datetime, now: datetime) -> bool:
    # A conditional UPDATE claims the escalation: two workers running at once raise one alert.
    claimed = Case.objects.filter(id=case.id).exclude(escalated_at__gte=disappeared).update(escalated_at=now)
    if claimed != 1:
        return False
    case.escalated_at = now
    # The alert names the case by its id only: alerts are listed to every coordinator of every compartment.
    alert = Alert.objects.create(
        kind=Alert.Kind.WHEREABOUTS_UNKNOWN, subject=None, detail=f"aid.case {case.id}"
    )
    record(None, "alert", alert)
    record(None, "escalate", case)
    return True
