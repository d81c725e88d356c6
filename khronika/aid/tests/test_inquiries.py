"""Inquiries to authorities: recorded with their reply (encrypted); an overdue reply becomes one task."""

from datetime import date

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from khronika.aid.inquiries import overdue_inquiry_tasks, task_key
from khronika.aid.models import Case, Inquiry, Task
from khronika.aid.tests.conftest import client_for
from khronika.ledger.models import LedgerEntry
from khronika.vault.fields import IN_ROW
from khronika.vault.tests.support import row_ciphertext
from khronika.worker import jobs


def _inquiry(aid, **fields):
    values = {
        "case": aid.case,
        "person": aid.case.persons.get(),
        "addressee_kind": Inquiry.Addressee.PROSECUTOR,
        "channel": Inquiry.Channel.POST,
        "sent_on": date(2026, 10, 1),
        "reply_due_on": date(2026, 10, 31),
        "created_by": aid.lawyer,
    }
    values.update(fields)
    return Inquiry.objects.create(**values)


def test_a_member_records_an_inquiry_and_it_is_ledgered(aid):
    person = aid.case.persons.get()
    response = client_for(aid.lawyer).post(
        reverse("aid:inquiry_add", args=[aid.case.id]),
        {
            "person": person.id,
            "addressee_kind": "investigative_committee",
            "addressee": "Synthetic regional investigations department",
            "sent_on": "2026-11-01",
            "channel": "online",
            "reply_due_on": "2026-12-01",
        },
    )
    assert response.status_code == 302
    inquiry = Inquiry.objects.get(case=aid.case)
    assert inquiry.addressee_kind == "investigative_committee" and inquiry.created_by == aid.lawyer
    assert LedgerEntry.objects.filter(
        action="create", object_type="aid.inquiry", object_id=str(inquiry.id)
    ).exists()
    page = client_for(aid.lawyer).get(reverse("aid:case_detail", args=[aid.case.id])).content.decode()
    assert "Synthetic regional investigations department" in page


def test_the_reply_is_encrypted_at_rest(aid):
    inquiry = _inquiry(
        aid, reply="Synthetic: held at the temporary detention facility", replied_on=date(2026, 10, 20)
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT reply, vault_data FROM aid_inquiry WHERE id = %s", [inquiry.id.hex])
        reply, stored = cursor.fetchone()
    assert reply == IN_ROW
    assert b"detention facility" not in row_ciphertext(stored)


def test_it_refuses_a_reply_without_its_date(aid):
    inquiry = _inquiry(aid)
    response = client_for(aid.lawyer).post(
        reverse("aid:inquiry_edit", args=[aid.case.id, inquiry.id]),
        {
            "person": inquiry.person_id,
            "addressee_kind": "prosecutor",
            "sent_on": "2026-10-01",
            "channel": "post",
            "reply_due_on": "2026-10-31",
            "reply": "Synthetic reply",
        },
    )
    assert response.status_code == 400
    assert "Say when the reply came." in response.content.decode()


def test_an_overdue_reply_becomes_one_task_however_often_the_worker_runs(aid):
    inquiry = _inquiry(aid)
    now = timezone.make_aware(timezone.datetime(2026, 11, 5, 9, 0))
    created = overdue_inquiry_tasks(now)
    assert [task.follow_up_key for task in created] == [task_key(inquiry)]
    assert overdue_inquiry_tasks(now) == []
    task = Task.objects.get(case=aid.case, kind=Task.Kind.INQUIRY_REPLY)
    assert task.due_on == date(2026, 11, 5) and task.assignee == aid.lawyer and not task.done
    assert LedgerEntry.objects.filter(
        action="create", object_type="aid.task", object_id=str(task.id)
    ).exists()


def test_no_task_for_a_reply_not_yet_due_answered_or_on_a_closed_case(aid):
    now = timezone.make_aware(timezone.datetime(2026, 11, 5, 9, 0))
    _inquiry(aid, reply_due_on=date(2026, 11, 30))
    _inquiry(aid, replied_on=date(2026, 10, 15), reply="Synthetic answer")
    closed = Case.objects.create(compartment=aid.case.compartment, status=Case.Status.CLOSED)
    closed.persons.add(aid.case.persons.get())
    _inquiry(aid, case=closed)
    assert overdue_inquiry_tasks(now) == []


def test_recording_the_reply_closes_the_task_that_chased_it(aid):
    inquiry = _inquiry(aid)
    overdue_inquiry_tasks(timezone.make_aware(timezone.datetime(2026, 11, 5, 9, 0)))
    response = client_for(aid.lawyer).post(
        reverse("aid:inquiry_edit", args=[aid.case.id, inquiry.id]),
        {
            "person": inquiry.person_id,
            "addressee_kind": "prosecutor",
            "sent_on": "2026-10-01",
            "channel": "post",
            "reply_due_on": "2026-10-31",
            "replied_on": "2026-11-06",
            "reply": "Synthetic: no information",
        },
    )
    assert response.status_code == 302
    assert Task.objects.get(case=aid.case, follow_up_key=task_key(inquiry)).done


def test_the_worker_creates_the_overdue_task_on_its_own(aid, monkeypatch):
    inquiry = _inquiry(aid)
    now = timezone.make_aware(timezone.datetime(2026, 11, 5, 9, 0))
    monkeypatch.setattr(timezone, "now", lambda: now)
    jobs.discover()
    jobs.enqueue("aid.overdue_inquiries", {}, run_at=now)

    assert jobs.run_due(now) == 1

    assert Task.objects.filter(case=aid.case, follow_up_key=task_key(inquiry), done=False).count() == 1
