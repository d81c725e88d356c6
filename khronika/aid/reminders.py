"""Task reminders, for the worker: which tasks are due for a reminder, and marking them sent.

Two steps rather than one so that a worker killed between sending and marking sends again rather than
never: a duplicate reminder is a nuisance, a lost hearing date is not recoverable.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.utils import timezone

from khronika.aid.models import Case, Task


def due_reminders(now: datetime) -> list[Task]:
    """Open tasks of open cases whose reminder day has come and that were not reminded yet, earliest first.

    A task is due for its reminder from ``due_on - remind_days_before`` on (and stays due until marked,
    also after its due date: an overdue hearing is still worth one message).
    """
    today = timezone.localdate(now)
    horizon = today + timedelta(days=max_lead_days())
    candidates = (
        Task.objects.filter(done=False, reminded_at__isnull=True, due_on__lte=horizon)
        .exclude(case__status=Case.Status.CLOSED)
        .select_related("case", "assignee")
        .order_by("due_on", "created_at")
    )
    return [task for task in candidates if task.due_on - timedelta(days=task.remind_days_before) <= today]


def max_lead_days() -> int:
    longest = (
        Task.objects.filter(done=False)
        .order_by("-remind_days_before")
        .values_list("remind_days_before", flat=True)
    )
    return longest.first() or 0


def mark_reminded(tasks: Iterable[Task], now: datetime) -> int:
    """Mark the reminders sent; only tasks not marked yet count (a second worker's mark is a no-op)."""
    return Task.objects.filter(id__in=[task.id for task in tasks], reminded_at__isnull=True).update(
        reminded_at=now
    )
