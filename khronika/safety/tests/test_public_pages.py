"""The public pages list confirmed places and patterns per town, in Russian and English, and never a
handle or a phone number (the police read public pages too; a hijacked account's owner is a victim)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from khronika.safety import services
from khronika.safety.models import Channel, Reason
from khronika.safety.services import Subject
from khronika.safety.tests.factories import ACCOUNT, PHONE, confirmed, report_twice

pytestmark = pytest.mark.django_db

WORDING = "Men were detained after arranging dates at this synthetic venue."
PATTERN = "Invitations to a rented flat from accounts using a detained person's name."


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_public_page_shows_places_and_patterns_but_no_handle_or_number(kazan, language):
    confirmed(ACCOUNT)
    confirmed(PHONE)
    confirmed(Subject(kind="place", town=kazan, address="Synthetic Café, 1 Example St"), summary=WORDING)
    # Every pattern report is an entry of its own: confirmed on evidence a coordinator judged.
    pattern = Subject(kind="pattern", town=kazan, summary="reporter's own words")
    entry = services.report(
        pattern, channel=Channel.STAFF, origin="staff:1", actor=None, evidence="case file"
    ).entry
    services.confirm(entry, None, Reason.EVIDENCE, summary=PATTERN)
    report_twice(Subject(kind="place", town=kazan, address="Unconfirmed Bar"))

    response = Client().get(reverse("safety:warnings", args=[language]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Synthetic Café" in html and WORDING in html and PATTERN.replace("'", "&#x27;") in html
    assert kazan.name_ru in html if language == "ru" else kazan.name_en in html
    for secret in ("synthetic_lure", "Synthetic_Lure", "telegram", "5550123", "555-01-23", "reporter's own"):
        assert secret.lower() not in html.lower(), f"{secret!r} is on the public page"
    assert "Unconfirmed Bar" not in html
    assert response.cookies == {}


def test_an_unknown_language_is_a_plain_404(db):
    assert Client().get("/warnings/de/").status_code == 404
