"""Setting a check-in on the public page: two look-alike codes, an alert queued at the deadline, and
nothing left in the browser or on the disk in the clear."""

from __future__ import annotations

from django.db import connection

from khronika.checkins.models import CheckIn
from khronika.checkins.tests.conftest import SYNTHETIC_EMAIL, SYNTHETIC_MESSAGE, set_checkin
from khronika.ledger.models import LedgerEntry
from khronika.worker.models import Job


def test_it_gives_two_codes_that_look_alike_and_queues_the_alert_at_the_deadline(client, db):
    made = set_checkin(client, minutes=30)

    assert made.cancel_code != made.duress_code
    assert len(made.cancel_code.split()) == len(made.duress_code.split()) == 4
    job = Job.objects.get(kind="checkins.fire")
    assert job.run_at == made.checkin.deadline
    assert job.payload == {"checkin": str(made.checkin.pk)}
    assert made.checkin.state == CheckIn.State.OPEN
    assert LedgerEntry.objects.filter(action="create", object_id=str(made.checkin.pk)).exists()


def test_the_page_works_without_cookies_and_is_never_cached(client, db):
    """A captor with the phone must find no cookie and no cached copy of the codes."""
    page = client.get("/check-in/en/")
    assert page.status_code == 200
    assert "<script" not in page.content.decode()
    response = client.post(
        "/check-in/en/", {"minutes": "30", "contacts": SYNTHETIC_EMAIL, "message": SYNTHETIC_MESSAGE}
    )
    assert response.status_code == 200
    assert not response.cookies and not page.cookies
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in page["Cache-Control"]


def test_contacts_message_and_codes_are_not_stored_in_the_clear(client, db):
    """Threat model 1: a copy of the database shows no address, no message and no code."""
    made = set_checkin(client, contacts=f"{SYNTHETIC_EMAIL}\nhttps://hooks.example.org/synthetic")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM checkins_checkin")
        values = [value for row in cursor.fetchall() for value in row]
    # Binary columns come back as bytes (SQLite) or memoryview (PostgreSQL): read their bytes.
    raw = " ".join(
        bytes(value).decode("latin-1") if isinstance(value, bytes | memoryview) else str(value)
        for value in values
    )
    assert made.checkin.cancel_lookup in raw  # the scan does see the row
    for secret in ("synthetic.friend", "hooks.example.org", "Synthetic Sasha", *made.cancel_code.split()):
        assert secret not in raw
    assert made.checkin.contact_count == 2


def test_it_refuses_a_contact_that_is_neither_an_address_nor_a_web_address(client, db):
    response = client.post("/check-in/en/", {"minutes": "30", "contacts": "call my mum", "message": "x"})
    assert response.status_code == 400
    assert "neither an e-mail address nor a web address" in response.content.decode()
    assert not CheckIn.objects.exists()
