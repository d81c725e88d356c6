"""The review queue: the article beside what was extracted; accept, link, reject; provenance kept."""

import re

import pytest
from django.test import Client

from khronika.ledger.models import LedgerEntry
from khronika.monitoring.models import Candidate
from khronika.monitoring.tests.importing import make_candidate
from khronika.records.models import Incident, Information
from khronika.testing.factories import IncidentFactory, place

pytestmark = pytest.mark.django_db


def _as(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_queue_lists_pending_candidates_of_ones_compartments_only(team):
    mine = make_candidate(team.home)
    theirs = make_candidate(team.elsewhere, title="Elsewhere article")
    done = make_candidate(team.home, "В Казани задержали двух мужчин.", title="Already rejected")
    done.status = Candidate.Status.REJECTED
    done.save()

    page = _as(team.documenter).get("/monitoring/")

    assert page.status_code == 200
    assert f"/monitoring/{mine.id}/" in page.text
    assert str(theirs.id) not in page.text and str(done.id) not in page.text
    assert "RU-DA" in page.text


def test_the_article_shows_its_spans_highlighted_and_hostile_markup_escaped(team):
    text = "<script>alert(1)</script> В Махачкале задержали двух мужчин. Имя Anvar изменено."
    candidate = make_candidate(team.home, text=text)

    page = _as(team.documenter).get(f"/monitoring/{candidate.id}/")

    assert page.status_code == 200
    assert '<mark class="extract-region">Махачкал</mark>' in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "Anvar (name changed)" in page.text
    # Codes are shown with the names a reviewer knows.
    assert "Republic of Dagestan (RU-DA)" in page.text
    assert candidate.article.sha256 in page.text
    # Ledgered: who read which candidate.
    assert LedgerEntry.objects.filter(action="monitoring.view", object_id=str(candidate.id)).exists()


def test_accepting_opens_the_incident_form_prefilled_and_keeps_provenance(team):
    candidate = make_candidate(team.home)
    client = _as(team.documenter)

    form = client.get(f"/monitoring/{candidate.id}/accept/")

    assert form.status_code == 200
    assert 'value="RU-DA:makhachkala" selected' in form.text
    assert 'value="media-outlet" selected' in form.text
    assert "news.example.invalid" in form.text
    assert "2025-11" in form.text
    data = {
        "incident-title": "Задержания в Махачкале",
        "incident-narrative": "Synthetic narrative",
        "incident-date": "2025-11",
        "incident-place": "RU-DA:makhachkala",
        "incident-status": "reported",
        "incident-confidentiality": "restricted",
        "incident-compartment": str(team.home.id),
        "acts-TOTAL_FORMS": "1",
        "acts-INITIAL_FORMS": "0",
        "acts-MIN_NUM_FORMS": "0",
        "acts-MAX_NUM_FORMS": "50",
        "acts-0-act_type": "arbitrary-detention",
        "source-source_type": "media-outlet",
        "source-source_name": "news.example.invalid",
        "source-reliability": "F",
        "source-credibility": "6",
        "source-original_text": "Synthetic source text",
    }

    response = client.post(f"/monitoring/{candidate.id}/accept/", data)

    assert response.status_code == 302, re.findall(r"errorlist.*?</ul>", response.text, re.S)
    incident = Incident.objects.get()
    candidate.refresh_from_db()
    assert (candidate.status, candidate.incident_id, candidate.reviewed_by_id) == (
        "accepted",
        incident.id,
        team.documenter.id,
    )
    information = Information.objects.select_related("source").get(incident=incident)
    assert information.source.url == "https://news.example.invalid/2025/11/makhachkala"
    assert information.language == "ru"
    assert LedgerEntry.objects.filter(action="monitoring.accepted", object_id=str(candidate.id)).exists()
    # Decided: it left the queue, and cannot be accepted twice.
    assert client.get(f"/monitoring/{candidate.id}/accept/").status_code == 404


def test_accepting_without_a_source_still_records_where_it_came_from(team):
    candidate = make_candidate(team.home)
    data = {
        "incident-title": "Synthetic",
        "incident-status": "reported",
        "incident-confidentiality": "restricted",
        "incident-compartment": str(team.home.id),
        "acts-TOTAL_FORMS": "1",
        "acts-INITIAL_FORMS": "0",
        "acts-MIN_NUM_FORMS": "0",
        "acts-MAX_NUM_FORMS": "50",
        "acts-0-act_type": "arbitrary-detention",
    }

    response = _as(team.documenter).post(f"/monitoring/{candidate.id}/accept/", data)

    assert response.status_code == 302, re.findall(r"errorlist.*?</ul>", response.text, re.S)
    information = Information.objects.select_related("source").get()
    assert information.source.url == "https://news.example.invalid/2025/11/makhachkala"
    assert candidate.article.sha256 in str(information.original_text)


def test_linking_adds_the_article_as_a_source_of_a_matching_incident(team):
    candidate = make_candidate(team.home)
    from datetime import date

    same = IncidentFactory(compartment=team.home, place=place("RU-DA"), date_start=date(2025, 11, 3))
    other_month = IncidentFactory(compartment=team.home, place=place("RU-DA"), date_start=date(2025, 9, 3))
    client = _as(team.documenter)

    page = client.get(f"/monitoring/{candidate.id}/")
    assert same.reference in page.text and other_month.reference not in page.text

    # As the browser sends it: the ticked match, and the empty box for a typed reference.
    response = client.post(f"/monitoring/{candidate.id}/link/", {"incident": [same.reference, ""]})

    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.status, candidate.incident_id) == ("linked", same.id)
    information = Information.objects.select_related("source").get(incident=same)
    assert information.source.url == "https://news.example.invalid/2025/11/makhachkala"
    assert "SHA-256 of the text: " + candidate.article.sha256 in str(information.original_text)


def test_linking_to_an_incident_of_another_compartment_is_refused_like_a_missing_one(team):
    candidate = make_candidate(team.home)
    foreign = IncidentFactory(compartment=team.elsewhere)

    response = _as(team.documenter).post(
        f"/monitoring/{candidate.id}/link/", {"incident": foreign.reference}, follow=True
    )

    assert f"No incident with the reference {foreign.reference} is known to you." in response.text
    assert not Information.objects.filter(incident=foreign).exists()
    candidate.refresh_from_db()
    assert candidate.status == "pending"


def test_rejecting_takes_the_candidate_out_of_the_queue(team):
    candidate = make_candidate(team.home)
    client = _as(team.documenter)

    response = client.post(f"/monitoring/{candidate.id}/reject/")

    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == "rejected"
    assert str(candidate.id) not in client.get("/monitoring/").text
    assert LedgerEntry.objects.filter(action="monitoring.rejected", object_id=str(candidate.id)).exists()


def test_outsiders_and_analysts_get_the_404_of_a_missing_candidate(team):
    candidate = make_candidate(team.home)
    for user in (team.outsider, team.analyst):
        client = _as(user)
        assert client.get(f"/monitoring/{candidate.id}/").status_code == 404
        assert client.post(f"/monitoring/{candidate.id}/reject/").status_code == 404
    assert _as(team.analyst).get("/monitoring/").status_code == 404
    candidate.refresh_from_db()
    assert candidate.status == "pending"
