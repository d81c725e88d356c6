"""The aid app's reminder and escalation functions run as periodic worker jobs."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from khronika.accounts.roles import Role
from khronika.aid.tests.factories import TaskFactory
from khronika.testing.factories import UserFactory
from khronika.worker import jobs
from khronika.worker.models import Job


class Sink:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted"


@pytest.fixture
def smtp(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.KHRONIKA_SMTP_HOST, settings.KHRONIKA_SMTP_PORT = "127.0.0.1", port
    settings.KHRONIKA_SMTP_STARTTLS = False
    yield sink
    controller.stop()


def test_each_periodic_job_is_queued_once_per_period(db, monkeypatch):
    jobs.discover()
    monkeypatch.setattr(jobs, "_scheduled", {})
    moment = datetime(2026, 11, 25, 12, 3, 7, tzinfo=UTC)
    first = jobs.schedule_periodic(moment)
    again = jobs.schedule_periodic(moment.replace(second=59))
    monkeypatch.setattr(jobs, "_scheduled", {})  # a restarted worker in the same period
    jobs.schedule_periodic(moment)

    assert first >= 5 and again == 0
    reminders = Job.objects.filter(kind="aid.reminders")
    assert reminders.count() == 1
    assert reminders.get().run_at == datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert Job.objects.filter(kind="aid.escalation").count() == 1


def test_the_reminder_job_mails_the_assignee_without_naming_the_task_and_marks_it(team, smtp):
    lawyer = UserFactory(username="reminded", role=Role.LAWYER, compartments=[team.home])
    lawyer.email = "synthetic.lawyer@example.org"
    lawyer.save()
    task = TaskFactory(title="Synthetic hearing at the synthetic court", assignee=lawyer)
    jobs.discover()
    jobs.enqueue("aid.reminders", {}, idempotency_key="aid.reminders@test")

    assert jobs.run_due() == 1
    [message] = smtp.messages
    assert message["To"] == "synthetic.lawyer@example.org"
    assert "Synthetic hearing" not in message.as_string()
    task.refresh_from_db()
    assert task.reminded_at is not None
    jobs.enqueue("aid.reminders", {}, idempotency_key="aid.reminders@test-2")
    jobs.run_due()
    assert len(smtp.messages) == 1  # reminded once
