"""The exposure page: what a colleague's account could and did open, for the coordinator."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from khronika.accounts.roles import Role
from khronika.ledger.models import LedgerEntry
from khronika.ledger.services import record
from khronika.testing.factories import IncidentFactory, PersonFactory, SourceFactory, UserFactory


@pytest.fixture
def coordinator(team):
    return UserFactory(username="coord", role=Role.COORDINATOR, compartments=[team.home])


def url(account, **query):
    base = reverse("accounts:team_exposure", args=[account.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_it_shows_what_the_account_could_and_did_open(client, team, coordinator):
    incident = IncidentFactory(compartment=team.home)
    person = PersonFactory(compartment=team.home, family_name="Sentinelov")
    source = SourceFactory(compartment=team.home)
    far = IncidentFactory(compartment=team.elsewhere)
    record(team.documenter, "reveal", person)
    client.force_login(coordinator)

    response = client.get(url(team.documenter, since=timezone.localdate().isoformat()))

    assert response.status_code == 200
    for label in (incident.reference, person.pseudonym, source.reference):
        assert label in response.text
    assert far.reference not in response.text
    assert "Sentinelov" not in response.text
    assert "reveal" in response.text
    assert "Revoke this account now" in response.text
    assert LedgerEntry.objects.filter(
        actor=f"user:{coordinator.pk}", action="exposure", object_id=str(team.documenter.pk)
    ).exists()


def test_records_outside_the_coordinators_compartments_are_counted_not_named(client, team, coordinator):
    far = PersonFactory(compartment=team.elsewhere)
    client.force_login(coordinator)
    response = client.get(url(team.outsider))
    assert response.context["report"].persons.total == 1
    assert far.pseudonym not in response.text
    assert "1 not shown" in response.text


def test_it_defaults_to_the_last_thirty_days(client, team, coordinator):
    person = PersonFactory(compartment=team.home)
    record(team.documenter, "view", person)
    LedgerEntry.objects.update(at=timezone.now() - timedelta(days=40))
    client.force_login(coordinator)
    response = client.get(url(team.documenter))
    assert response.context["report"].touched == []


def test_a_bad_date_is_explained(client, team, coordinator):
    client.force_login(coordinator)
    response = client.get(url(team.documenter, since="yesterday"))
    assert response.status_code == 400
    assert "Write the date as YYYY-MM-DD" in response.text


def test_an_unknown_account_is_a_404(client, team, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("accounts:team_exposure", args=[999999])).status_code == 404
