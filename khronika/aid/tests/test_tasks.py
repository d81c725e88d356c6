"""Tasks and deadlines: added by members, marked done once, listed when due within seven days."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from khronika.aid.models import Task
from khronika.aid.tests.conftest import client_for
from khronika.aid.tests.factories import CaseFactory, TaskFactory
from khronika.ledger.models import LedgerEntry


def test_a_member_adds_a_hearing_date(aid):
    response = client_for(aid.lawyer).post(
        reverse("aid:task_add", args=[aid.case.id]),
        {
            "title": "Synthetic appeal hearing",
            "kind": "hearing",
            "due_on": "2026-12-01",
            "remind_days_before": "2",
            "assignee": aid.lawyer.id,
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(case=aid.case)
    assert (task.kind, task.assignee, task.remind_days_before) == ("hearing", aid.lawyer, 2)
    assert LedgerEntry.objects.filter(
        action="create", object_type="aid.task", object_id=str(task.id)
    ).exists()


def test_marking_a_task_done_is_ledgered(aid):
    task = TaskFactory(case=aid.case)
    response = client_for(aid.psychologist).post(reverse("aid:task_done", args=[aid.case.id, task.id]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done and task.done_at is not None
    assert LedgerEntry.objects.filter(
        action="update", object_type="aid.task", object_id=str(task.id)
    ).exists()


def test_a_task_of_another_case_cannot_be_marked_through_this_one(aid, team):
    other = TaskFactory(case=CaseFactory(compartment=team.home))
    response = client_for(aid.lawyer).post(reverse("aid:task_done", args=[aid.case.id, other.id]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert not other.done


def test_the_dashboard_lists_open_tasks_due_within_seven_days(aid):
    today = timezone.localdate()
    soon = TaskFactory(case=aid.case, title="Synthetic soon", due_on=today + timedelta(days=6))
    TaskFactory(case=aid.case, title="Synthetic later", due_on=today + timedelta(days=8))
    TaskFactory(case=aid.case, title="Synthetic done", due_on=today, done=True)
    TaskFactory(case=aid.case, title="Synthetic overdue", due_on=today - timedelta(days=1))
    page = client_for(aid.lawyer).get(reverse("aid:dashboard")).content.decode()
    due = page.split('id="due"')[1].split('id="detained"')[0]
    assert soon.title in due and "Synthetic overdue" in due and "overdue" in due
    assert "Synthetic later" not in due and "Synthetic done" not in due
