"""Task reminders for the worker: due from the reminder day on, marked once sent."""

from datetime import timedelta

from django.utils import timezone

from khronika.aid.models import Case
from khronika.aid.reminders import due_reminders, mark_reminded
from khronika.aid.tests.factories import TaskFactory


def test_a_task_is_due_for_its_reminder_from_its_lead_time_on(aid):
    now = timezone.now()
    today = timezone.localdate(now)
    due = TaskFactory(case=aid.case, due_on=today + timedelta(days=3), remind_days_before=3)
    TaskFactory(case=aid.case, due_on=today + timedelta(days=3), remind_days_before=2)
    overdue = TaskFactory(case=aid.case, due_on=today - timedelta(days=1), remind_days_before=0)
    assert due_reminders(now) == [overdue, due]


def test_done_tasks_and_closed_cases_get_no_reminder(aid):
    now = timezone.now()
    TaskFactory(case=aid.case, due_on=timezone.localdate(now), done=True)
    TaskFactory(case=aid.case, due_on=timezone.localdate(now))
    Case.objects.filter(id=aid.case.id).update(status=Case.Status.CLOSED)
    assert due_reminders(now) == []


def test_a_reminder_marked_sent_is_not_due_again(aid):
    now = timezone.now()
    task = TaskFactory(case=aid.case, due_on=timezone.localdate(now))
    assert mark_reminded(due_reminders(now), now) == 1
    assert due_reminders(now + timedelta(hours=1)) == []
    assert mark_reminded([task], now) == 0  # a second worker's mark changes nothing
