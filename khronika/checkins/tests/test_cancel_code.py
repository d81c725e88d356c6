"""The cancel code closes a check-in before its deadline: the worker then sends nothing."""

from __future__ import annotations

from khronika.checkins.models import CheckIn
from khronika.checkins.tests.conftest import pass_deadline, set_checkin
from khronika.worker.jobs import run_due


def test_a_cancelled_checkin_sends_no_alert_at_its_deadline(client, smtp):
    made = set_checkin(client)
    response = client.post("/check-in/en/code/", {"code": made.cancel_code})

    assert response.status_code == 200
    assert "Your check-in is closed" in response.content.decode()
    pass_deadline(made.checkin)
    run_due()
    assert smtp.messages == []
    made.checkin.refresh_from_db()
    assert made.checkin.state == CheckIn.State.CANCELLED


def test_the_code_works_however_it_is_typed(client, smtp):
    made = set_checkin(client)
    response = client.post(
        "/check-in/en/code/", {"code": "  " + made.cancel_code.upper().replace(" ", " - ")}
    )
    assert "Your check-in is closed" in response.content.decode()


def test_a_wrong_code_is_refused_in_plain_words_and_closes_nothing(client, db):
    made = set_checkin(client)
    response = client.post("/check-in/en/code/", {"code": "not one of the codes"})

    assert response.status_code == 400
    assert "No check-in has this code" in response.content.decode()
    made.checkin.refresh_from_db()
    assert made.checkin.state == CheckIn.State.OPEN


def test_a_code_typed_after_the_alert_says_the_contacts_were_told(client, smtp):
    made = set_checkin(client)
    pass_deadline(made.checkin)
    run_due()
    response = client.post("/check-in/en/code/", {"code": made.cancel_code})
    assert "The time has passed" in response.content.decode()


def test_cancelling_needs_a_post_there_is_no_cancel_link(client, db):
    made = set_checkin(client)
    assert client.get("/check-in/en/code/", {"code": made.cancel_code}).status_code == 405
    made.checkin.refresh_from_db()
    assert made.checkin.state == CheckIn.State.OPEN
