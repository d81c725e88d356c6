"""A missed deadline alerts every contact, by e-mail and signed webhook, with the person's message only."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from khronika.checkins.models import CheckIn
from khronika.checkins.tests.conftest import SYNTHETIC_EMAIL, SYNTHETIC_MESSAGE, pass_deadline, set_checkin
from khronika.ledger.models import LedgerEntry
from khronika.worker.jobs import run_due
from khronika.worker.models import Job
from khronika.worker.notify import signature


def test_nothing_is_sent_before_the_deadline(client, smtp):
    made = set_checkin(client)
    run_due(now=made.checkin.deadline - timedelta(seconds=1))
    assert smtp.messages == []


def test_a_missed_deadline_alerts_every_contact_with_only_the_message(client, smtp, webhook):
    made = set_checkin(client, contacts=f"{SYNTHETIC_EMAIL}\n{webhook.url}")
    pass_deadline(made.checkin)
    run_due()

    [message] = smtp.messages
    assert message["To"] == SYNTHETIC_EMAIL
    assert message.get_payload().strip() == SYNTHETIC_MESSAGE
    assert "duress" not in message["Subject"]
    [(headers, body)] = webhook.received
    assert json.loads(body) == {"event": "checkin.missed", "message": SYNTHETIC_MESSAGE}
    key = headers["Idempotency-Key"]
    assert key == f"checkin-{made.checkin.pk.hex}-1"
    expected = signature(b"synthetic webhook secret", headers["X-Khronika-Timestamp"], key, body)
    assert headers["X-Khronika-Signature"] == expected
    made.checkin.refresh_from_db()
    assert made.checkin.state == CheckIn.State.MISSED
    assert made.checkin.delivered == [0, 1]
    assert LedgerEntry.objects.filter(action="alert", object_id=str(made.checkin.pk)).count() == 1


def test_a_retry_sends_only_to_the_contacts_that_did_not_accept(client, smtp, webhook, settings):
    """One contact down must neither stop the others nor make them receive the alert twice."""
    made = set_checkin(client, contacts=f"{SYNTHETIC_EMAIL}\nhttp://127.0.0.1:9/down")
    pass_deadline(made.checkin)
    run_due()

    job = Job.objects.get(kind="checkins.fire")
    assert job.state == Job.State.QUEUED and job.attempts == 1
    assert "1 of 2 contacts did not accept" in job.last_error
    assert len(smtp.messages) == 1

    run_due(now=job.run_at + timedelta(seconds=1))  # the retry, after its backoff
    assert len(smtp.messages) == 1
    job.refresh_from_db()
    assert job.attempts == 2 and job.state == Job.State.QUEUED


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_alert_is_in_the_language_of_the_checkin(client, smtp, language):
    response = client.post(
        f"/check-in/{language}/", {"minutes": "30", "contacts": SYNTHETIC_EMAIL, "message": SYNTHETIC_MESSAGE}
    )
    assert response.status_code == 200
    checkin = CheckIn.objects.get()
    assert checkin.language == language
    pass_deadline(checkin)
    run_due()
    assert len(smtp.messages) == 1
