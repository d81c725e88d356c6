"""The aid app's periodic worker jobs: task reminders and the escalation of unknown whereabouts.

Both read aid records, so they are registered ``needs_vault``: while the instance is sealed they wait
instead of failing. Both are idempotent (see ``reminders.py`` and ``escalation.py``).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from khronika.aid.escalation import escalate_unknown_whereabouts
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
