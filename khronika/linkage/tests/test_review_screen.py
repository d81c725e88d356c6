"""The review screen: one pair at a time, pseudonymized unless revealed, only within one's compartments."""

import pytest
from django.test import Client

from khronika.ledger.models import LedgerEntry
from khronika.linkage.models import LinkageRun, PersonLink
from khronika.linkage.tests.factories import link_in
from khronika.testing.factories import PersonFactory, UserFactory, place
from khronika.worker.models import Job

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pair(team):
    left = PersonFactory(
        compartment=team.home,
        given_name="Матвей",
        family_name="Щербаков",
        birth_date="1990-05-01",
        region=place("RU-DA"),
    )
    right = PersonFactory(compartment=team.home, given_name="Matvey", family_name="Shcherbakov")
    return link_in(team.home, left, right)


def test_it_shows_the_pair_pseudonymized_without_the_reveal_capability(team, pair):
    intake = UserFactory(role="intake", compartments=[team.home])
    page = client_for(intake).get("/linkage/review/").content.decode()
    assert pair.left.pseudonym in page and pair.right.pseudonym in page
    assert "М. Щ." in page and "M. S." in page and "1990" in page
    for secret in ("Матвей", "Щербаков", "Matvey", "Shcherbakov", "1990-05-01"):
        assert secret not in page
    assert "Reveal both identities" not in page
    assert LedgerEntry.objects.filter(
        action="view", object_id=str(pair.pk), actor=f"user:{intake.pk}"
    ).exists()


def test_a_reveal_shows_both_identities_once_and_is_ledgered(team, pair):
    client = client_for(team.documenter)
    page = client.post(f"/linkage/review/{pair.pk}/reveal/").content.decode()
    assert "Щербаков Матвей" in page and "Shcherbakov Matvey" in page and "1990-05-01" in page
    for person in (pair.left, pair.right):
        assert LedgerEntry.objects.filter(
            action="reveal", object_id=str(person.pk), actor=f"user:{team.documenter.pk}"
        ).exists()
    assert "Щербаков" not in client.get("/linkage/review/").content.decode()


def test_a_reviewer_confirms_then_undoes_a_merge(team, pair):
    client = client_for(team.documenter)
    response = client.post(f"/linkage/review/{pair.pk}/decide/", {"decision": "same"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.state == PersonLink.State.CONFIRMED
    person_page = client.get(f"/records/people/{pair.left_id}/").content.decode()
    assert "Also recorded as" in person_page and pair.right.pseudonym in person_page
    assert pair.right.pseudonym in client.get("/linkage/merges/").content.decode()

    client.post(f"/linkage/merges/{pair.pk}/undo/")
    pair.refresh_from_db()
    assert pair.state == PersonLink.State.REJECTED
    assert "Also recorded as" not in client.get(f"/records/people/{pair.left_id}/").content.decode()
    assert [e.action for e in LedgerEntry.objects.filter(object_id=str(pair.pk)).order_by("seq")] == [
        "merge",
        "split",
    ]


def test_different_people_are_kept_apart_and_skip_moves_to_the_next_pair(team, pair):
    other = link_in(team.home, probability=0.5)
    client = client_for(team.documenter)
    client.post(f"/linkage/review/{pair.pk}/decide/", {"decision": "skip"})
    assert PersonLink.objects.get(pk=pair.pk).state == PersonLink.State.PROPOSED
    page = client.get("/linkage/review/").content.decode()
    assert other.left.pseudonym in page and pair.left.pseudonym not in page
    client.post(f"/linkage/review/{other.pk}/decide/", {"decision": "different"})
    assert PersonLink.objects.get(pk=other.pk).state == PersonLink.State.REJECTED
    assert "No pair is waiting for you" in client.get("/linkage/review/").content.decode()


def test_pairs_of_another_compartment_are_never_shown_and_answer_404(team, pair):
    client = client_for(team.outsider)
    page = client.get("/linkage/review/").content.decode()
    assert pair.left.pseudonym not in page and "0 pairs are waiting" in page
    for url in (f"/linkage/review/{pair.pk}/reveal/", f"/linkage/review/{pair.pk}/decide/"):
        assert client.post(url, {"decision": "same"}).status_code == 404
    assert PersonLink.objects.get(pk=pair.pk).state == PersonLink.State.PROPOSED


def test_a_user_who_may_not_review_gets_404(team, pair):
    client = client_for(team.analyst)
    assert client.get("/linkage/review/").status_code == 404
    assert client.get("/linkage/merges/").status_code == 404
    assert client.post(f"/linkage/review/{pair.pk}/decide/", {"decision": "same"}).status_code == 404


def test_a_coordinator_starts_a_run_in_one_of_their_compartments_only(team):
    coordinator = UserFactory(role="coordinator", compartments=[team.home])
    client = client_for(coordinator)
    client.post("/linkage/runs/start/", {"compartment": team.elsewhere.pk})
    assert not LinkageRun.objects.exists()
    client.post("/linkage/runs/start/", {"compartment": team.home.pk})
    run = LinkageRun.objects.get()
    assert (run.compartment, run.started_by) == (team.home, coordinator)
    assert Job.objects.get().kind == "linkage.run"
    assert (
        client_for(team.documenter).post("/linkage/runs/start/", {"compartment": team.home.pk}).status_code
        == 404
    )
