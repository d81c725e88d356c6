from datetime import date, timedelta

import pytest
from django.urls import reverse

from khronika.records import queries
from khronika.testing.factories import IncidentFactory

URL = reverse("records:incident_list")


@pytest.fixture
def eight_verified(team, settings, monkeypatch):
    settings.PAGE_SIZE = 2
    monkeypatch.setattr(queries, "COUNT_BEYOND", 3)
    return [
        IncidentFactory(
            compartment=team.home, status="verified", date_start=date(2025, 1, 1) + timedelta(days=i)
        )
        for i in range(8)
    ]


def refs(response):
    return [incident.reference for incident in response.context["page"]]


def test_the_plain_list_counts_exactly(client, team, eight_verified):
    client.force_login(team.documenter)
    response = client.get(URL)
    assert "8 incidents" in response.text
    assert "Page 1 of 4" in response.text


def test_a_long_filtered_list_says_more_than_and_still_pages_on(client, team, eight_verified):
    client.force_login(team.documenter)
    response = client.get(URL, {"status": "verified"})
    # Page 1 of 2 per page, plus 3 beyond: more than 5 found, and the exact total is not claimed.
    assert "More than 5 incidents" in response.text
    assert "Page 1" in response.text and "Page 1 of" not in response.text
    newest_first = sorted(eight_verified, key=lambda i: i.date_start, reverse=True)
    assert refs(response) == [i.reference for i in newest_first[:2]]
    assert refs(client.get(URL, {"status": "verified", "page": 4})) == [i.reference for i in newest_first[6:]]


def test_a_short_filtered_list_is_counted_exactly_in_list_order(client, team, eight_verified):
    IncidentFactory(compartment=team.home, status="verified", date_start=None, date_end=None)
    client.force_login(team.documenter)
    response = client.get(URL, {"status": "verified", "date_from": "2025-01-05"})
    assert "4 incidents" in response.text
    newest_first = sorted(eight_verified, key=lambda i: i.date_start, reverse=True)
    assert refs(response) == [i.reference for i in newest_first[:2]]
