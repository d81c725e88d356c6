"""The duress code: on screen exactly a cancel, in fact an alert marked as duress, sent at once."""

from __future__ import annotations

import time

from khronika.checkins.models import CheckIn
from khronika.checkins.services import Outcome, create_checkin, use_code
from khronika.checkins.tests.conftest import SYNTHETIC_MESSAGE, set_checkin
from khronika.ledger.models import LedgerEntry
from khronika.worker.jobs import run_due


def test_the_duress_answer_is_byte_for_byte_the_cancel_answer(client, db):
    """Threat: a captor watching the screen. Nothing on the page may differ."""
    first = set_checkin(client)
    cancelled = client.post("/check-in/en/code/", {"code": first.cancel_code})
    CheckIn.objects.all().delete()
    second = set_checkin(client)
    duress = client.post("/check-in/en/code/", {"code": second.duress_code})

    assert duress.status_code == cancelled.status_code == 200
    assert duress.content == cancelled.content
    assert dict(duress.headers) == dict(cancelled.headers)


def test_the_duress_code_alerts_the_contacts_at_once_marked_as_duress(client, smtp):
    made = set_checkin(client, minutes=120)
    client.post("/check-in/en/code/", {"code": made.duress_code})

    run_due()  # well before the deadline
    [message] = smtp.messages
    assert "duress" in message["Subject"]
    assert message.get_payload().strip() == SYNTHETIC_MESSAGE
    assert message["Message-ID"].startswith(f"<checkin-{made.checkin.pk.hex}-0@")
    made.checkin.refresh_from_db()
    assert made.checkin.state == CheckIn.State.DURESS


def test_typing_the_cancel_code_after_the_duress_code_still_looks_cancelled(client, smtp):
    made = set_checkin(client)
    client.post("/check-in/en/code/", {"code": made.duress_code})
    again = client.post("/check-in/en/code/", {"code": made.cancel_code})
    assert "Your check-in is closed" in again.content.decode()
    run_due()
    assert len(smtp.messages) == 1


def test_both_codes_take_the_same_padded_time(client, db, settings):
    """Threat: a captor timing the answer. Every code answer takes at least the padded time."""
    settings.CHECKINS_CODE_ANSWER_SECONDS = 0.3
    first, durations = set_checkin(client), []
    started = time.monotonic()
    client.post("/check-in/en/code/", {"code": first.cancel_code})
    durations.append(time.monotonic() - started)
    CheckIn.objects.all().delete()
    second = set_checkin(client)
    started = time.monotonic()
    client.post("/check-in/en/code/", {"code": second.duress_code})
    durations.append(time.monotonic() - started)
    assert all(duration >= 0.3 for duration in durations), durations
    assert abs(durations[0] - durations[1]) < 0.2, durations


def test_the_ledger_does_not_tell_a_duress_code_from_a_cancel(db):
    """Staff who read the ledger (or someone forcing a staff login) learn "closed", nothing more."""
    cancelled = create_checkin(minutes=30, contacts=["a@example.org"], message="m", language="en")
    duress = create_checkin(minutes=30, contacts=["b@example.org"], message="m", language="en")
    assert use_code(cancelled.cancel_code) == use_code(duress.duress_code) == Outcome.CANCELLED

    def actions(made):
        entries = LedgerEntry.objects.filter(object_id=str(made.checkin.pk)).order_by("seq")
        return [(entry.action, entry.actor) for entry in entries]

    assert actions(cancelled) == actions(duress)
    assert [action for action, _ in actions(duress)] == ["create", "close"]
