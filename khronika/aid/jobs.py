"""The aid app's periodic worker jobs: task reminders, the escalation of unknown whereabouts, and tasks
for inquiries whose reply is overdue.

All read aid records, so they are registered ``needs_vault``: while the instance is sealed they wait
instead of failing. All are idempotent (see ``reminders.py``, ``escalation.py`` and ``inquiries.py``).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from khronika.aid.escalation import escalate_unknown_whereabouts
from khronika.aid.inquiries import overdue_inquiry_tasks
from khronika.aid.reminders import due_reminders, mark_reminded
from khronika.worker import notify
from khronika.worker.jobs import register


@register("aid.reminders", every=300, needs_vault=True)
def send_reminders(payload: dict[str, Any]) -> None:
    """E-mail each due task's assignee, then mark the task reminded (a kill in between sends twice,
    never zero times). The message names no case, person or court: only the date and where to look,
    because e-mail leaves the organisation in the clear."""
    now = timezone.now()
    for task in due_reminders(now):
        email = getattr(task.assignee, "email", "") if task.assignee else ""
        if email:
            notify.send_email(
                email,
                _("Khronika: a task is due"),
                _("A task on one of your aid cases is due on %(date)s. Open Khronika to see it.")
                % {"date": task.due_on.isoformat()},
                message_id=f"aid-reminder-{task.pk.hex}",
            )
        mark_reminded([task], now)


@register("aid.escalation", every=300, needs_vault=True)
def escalate(payload: dict[str, Any]) -> None:
    escalate_unknown_whereabouts(timezone.now())


@register("aid.overdue_inquiries", every=3600, needs_vault=True)
def chase_overdue_inquiries(payload: dict[str, Any]) -> None:
    """An authority that has not answered by the reply date becomes a task for whoever sent the inquiry
    (hourly: reply dates are days, and the task is created once however often this runs)."""
    overdue_inquiry_tasks(timezone.now())
