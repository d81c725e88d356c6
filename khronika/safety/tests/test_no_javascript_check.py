"""Without JavaScript the check is posted to the server: the page says so plainly, and the query is
neither stored nor logged."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khronika.ledger.models import LedgerEntry
from khronika.safety import services
from khronika.safety.tests.factories import PHONE, confirmed

pytestmark = pytest.mark.django_db


def test_the_page_warns_that_without_javascript_the_server_sees_the_query(db):
    html = Client().get(reverse("safety:check", args=["en"])).content.decode()
    assert "<noscript>" in html and "will be sent to our server" in html


def test_the_fallback_finds_a_confirmed_number_and_writes_and_logs_nothing(reference_data, caplog):
    confirmed(PHONE)
    services.own_key()
    ledger_before = LedgerEntry.objects.count()
    caplog.set_level(logging.DEBUG)
    with CaptureQueriesContext(connection) as queries:
        found = Client().post(
            reverse("safety:check", args=["en"]), {"kind": "phone", "identifier": "89005550123"}
        )
        clean = Client().post(
            reverse("safety:check", args=["ru"]), {"kind": "phone", "identifier": "+79005550124"}
        )
    assert "has been used to lure people" in found.content.decode()
    assert 'id="result-found" class="error-summary" role="status" >' in found.content.decode()
    assert 'id="result-clean" role="status" >' in clean.content.decode()
    assert found.cookies == {} and clean.cookies == {}
    assert LedgerEntry.objects.count() == ledger_before
    writes = [
        q["sql"] for q in queries.captured_queries if not q["sql"].lstrip().upper().startswith("SELECT")
    ]
    assert writes == []
    assert "5550123" not in caplog.text and "5550124" not in caplog.text


def test_the_fallback_explains_a_bad_number(db):
    response = Client().post(reverse("safety:check", args=["en"]), {"kind": "phone", "identifier": "12"})
    assert response.status_code == 400
    assert (
        "Write it with the country code" in response.content.decode()
        or "does not exist" in response.content.decode()
    )


def test_a_flood_of_server_side_checks_is_refused_in_plain_words(db, monkeypatch):
    """Each check costs the server the slow hash: a flood must not take the web server down."""
    monkeypatch.setattr(services, "SERVER_CHECKS_PER_MINUTE", 2)
    client = Client()
    url = reverse("safety:check", args=["en"])
    for _ in range(2):
        assert client.post(url, {"kind": "phone", "identifier": "+79005550124"}).status_code == 200
    refused = client.post(url, {"kind": "phone", "identifier": "+79005550124"})
    assert refused.status_code == 400
    assert "Too many checks" in refused.content.decode()
