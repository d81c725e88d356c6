"""The incident review screen: coded facts side by side, titles and narratives only after a ledgered
reveal, and nothing of another compartment (threat model 3)."""

from datetime import date

import pytest
from django.test import Client

from khronika.ledger.models import LedgerEntry
from khronika.linkage.models import IncidentLink, LinkageRun
from khronika.linkage.tests.factories import incident_link_in, report
from khronika.records.dates import Precision
from khronika.testing.factories import EvidenceFactory, PersonFactory, UserFactory
from khronika.worker.models import Job

pytestmark = pytest.mark.django_db

LONG_NARRATIVE = "Задержали у подъезда на Гагарина. " * 12  # over 300 characters
REVIEW = "/linkage/incidents/review/"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pair(team):
    victim = PersonFactory(compartment=team.home)
    left = report(
        team.home,
        date(2025, 11, 5),
        victim=victim,
        source="lawyer",
        title="Синтетическое задержание у подъезда",
        narrative=LONG_NARRATIVE,
    )
    right = report(
        team.home,
        date(2025, 11, 1),
        Precision.MONTH,
        victim=victim,
        source="relative",
        title="Синтетический звонок на горячую линию",
        narrative="Брат позвонил на горячую линию.",
    )
    EvidenceFactory(incident=right)
    return incident_link_in(team.home, left, right)


def test_the_pair_is_shown_without_titles_or_narratives_before_a_reveal(team, pair):
    page = client_for(team.documenter).get(REVIEW).content.decode()
    assert pair.left.reference in page and pair.right.reference in page
    assert "2025-11" in page and "Republic of Dagestan" in page and "Arbitrary detention" in page
    for secret in ("Синтетическое задержание", "Синтетический звонок", "Гагарина", "горячую линию"):
        assert secret not in page
    assert "Reveal both titles and narratives" in page
    assert LedgerEntry.objects.filter(
        action="view", object_type="linkage.incidentlink", object_id=str(pair.pk)
    ).exists()


def test_a_reveal_shows_titles_and_the_start_of_each_narrative_and_is_ledgered_per_incident(team, pair):
    client = client_for(team.documenter)
    page = client.post(f"{REVIEW}{pair.pk}/reveal/").content.decode()
    assert "Синтетическое задержание у подъезда" in page and "Брат позвонил на горячую линию." in page
    assert LONG_NARRATIVE[:300] in page and LONG_NARRATIVE not in page
    for incident in (pair.left, pair.right):
        assert LedgerEntry.objects.filter(
            action="reveal",
            object_type="records.incident",
            object_id=str(incident.pk),
            actor=f"user:{team.documenter.pk}",
        ).exists()
    assert "Синтетическое задержание" not in client.get(REVIEW).content.decode()


def test_without_the_reveal_capability_there_is_no_reveal(team, pair):
    intake = UserFactory(role="intake", compartments=[team.home])
    client = client_for(intake)
    assert "Reveal both titles" not in client.get(REVIEW).content.decode()
    assert client.post(f"{REVIEW}{pair.pk}/reveal/").status_code == 404
    assert not LedgerEntry.objects.filter(action="reveal").exists()


def test_a_reviewer_merges_the_reports_then_undoes_the_merge(team, pair):
    client = client_for(team.documenter)
    response = client.post(f"{REVIEW}{pair.pk}/decide/", {"decision": "same"})
    assert response.status_code == 302 and response["Location"] == REVIEW
    assert IncidentLink.objects.get(pk=pair.pk).state == IncidentLink.State.CONFIRMED
    merges = client.get("/linkage/incidents/merges/").content.decode()
    assert pair.left.reference in merges and pair.right.reference in merges
    assert pair.left.reference not in client.get("/linkage/merges/").content.decode()

    response = client.post(f"/linkage/incidents/merges/{pair.pk}/undo/")
    assert response["Location"] == "/linkage/incidents/merges/"
    assert IncidentLink.objects.get(pk=pair.pk).state == IncidentLink.State.REJECTED


def test_a_reviewer_of_another_compartment_gets_404_and_sees_no_pair(team, pair):
    client = client_for(team.outsider)
    page = client.get(REVIEW).content.decode()
    assert pair.left.reference not in page and "0 pairs are waiting" in page
    for url in (
        f"{REVIEW}{pair.pk}/reveal/",
        f"{REVIEW}{pair.pk}/decide/",
        f"/linkage/incidents/merges/{pair.pk}/undo/",
    ):
        assert client.post(url, {"decision": "same"}).status_code == 404
    assert IncidentLink.objects.get(pk=pair.pk).state == IncidentLink.State.PROPOSED
    # A person link's URL does not reach an incident link either.
    assert (
        client_for(team.documenter)
        .post(f"/linkage/review/{pair.pk}/decide/", {"decision": "same"})
        .status_code
        == 404
    )


def test_a_coordinator_starts_an_incident_run(team):
    coordinator = UserFactory(role="coordinator", compartments=[team.home])
    client = client_for(coordinator)
    assert 'value="incidents"' in client.get(REVIEW).content.decode()
    response = client.post("/linkage/runs/start/", {"compartment": team.home.pk, "subject": "incidents"})
    assert response["Location"] == REVIEW
    run = LinkageRun.objects.get()
    assert (run.compartment, run.subject) == (team.home, LinkageRun.Subject.INCIDENTS)
    assert Job.objects.get().payload == {"run": str(run.pk)}
