"""Inquiries to authorities about a detained or missing person, and chasing the replies that do not come.

Authorities often answer late or never: an unanswered inquiry past its due date is itself a fact for the
case (and for a later complaint), and it must not be forgotten. ``overdue_inquiry_tasks`` turns each one
into a task on the case; the worker calls it every few minutes. Idempotent: one task per inquiry,
however often it runs and however many workers run it at once (the task's ``follow_up_key`` is unique
per case).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from khronika.accounts.models import User
from khronika.aid.models import Case, Inquiry, Task
from khronika.ledger.services import record, save_recorded

# Stored in English, shown in the reader's language (Task.display_title).
OVERDUE_TITLE = gettext_noop("No reply to an inquiry to an authority: chase it or complain")


def task_key(inquiry: Inquiry) -> str:
    """``inquiry-`` and the inquiry's id: 40 characters, the size of ``Task.follow_up_key``."""
    return f"inquiry-{inquiry.id.hex}"


def add_inquiry(actor: User, inquiry: Inquiry) -> Inquiry:
    inquiry.created_by = actor
    return save_recorded(actor, "create", inquiry)


@transaction.atomic
def update_inquiry(actor: User, inquiry: Inquiry) -> Inquiry:
    """Save a change (usually the reply). A reply closes the chasing task, if there is one."""
    save_recorded(actor, "update", inquiry)
    if inquiry.replied_on is not None:
        for task in Task.objects.filter(case_id=inquiry.case_id, follow_up_key=task_key(inquiry), done=False):
            task.done, task.done_at = True, timezone.now()
            save_recorded(actor, "update", task)
    return inquiry


def overdue_inquiry_tasks(now: datetime) -> list[Task]:
    """Create a task for every unanswered inquiry of an open case whose reply is overdue; return the tasks
    created by this call. For the worker: safe to run as often as it likes."""
    today = timezone.localdate(now)
    overdue = (
        Inquiry.objects.filter(replied_on__isnull=True, reply_due_on__lt=today)
        .exclude(case__status=Case.Status.CLOSED)
        .order_by("reply_due_on")
    )
    created = []
    for inquiry in overdue:
        task = _task_for(inquiry, today)
        if task is not None:
            created.append(task)
    return created


def _task_for(inquiry: Inquiry, today: date) -> Task | None:
    key = task_key(inquiry)
    if Task.objects.filter(case_id=inquiry.case_id, follow_up_key=key).exists():
        return None
    task = Task(
        case_id=inquiry.case_id,
        title=OVERDUE_TITLE,
        kind=Task.Kind.INQUIRY_REPLY,
        due_on=today,
        remind_days_before=0,
        assignee_id=inquiry.created_by_id,
        follow_up_key=key,
    )
    try:
        with transaction.atomic():
            task.save()
            record(None, "create", task)
    except IntegrityError:
        # Another worker created it between our check and our insert: one task is what we want.
        return None
    return task
