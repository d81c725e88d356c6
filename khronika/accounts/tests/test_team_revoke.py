"""'Revoke this account now': sessions end, the account is switched off and loses every compartment."""

from django.test import Client
from django.urls import reverse

from khronika.accounts.models import StaffSession
from khronika.accounts.roles import Role
from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import TEST_PASSWORD, IncidentFactory, PersonFactory, UserFactory

LOGIN = reverse("accounts:login")


def logged_in(username):
    client = Client()
    assert client.post(LOGIN, {"username": username, "password": TEST_PASSWORD}).status_code == 302
    return client


def test_revoking_ends_sessions_and_access_at_once(team, settings):
    settings.REQUIRE_TWO_FACTOR = False
    coordinator = UserFactory(username="coord", role=Role.COORDINATOR, compartments=[team.home])
    incident = IncidentFactory(compartment=team.home)
    person = PersonFactory(compartment=team.home)
    seized_phone = logged_in("doc")
    incident_url = reverse("records:incident_detail", args=[incident.id])
    assert seized_phone.get(incident_url).status_code == 200
    manager = logged_in("coord")

    response = manager.post(reverse("accounts:team_revoke", args=[team.documenter.pk]))

    assert response.status_code == 200
    # The answer still lists whom to warn: what the account could reach until this moment.
    assert incident.reference in response.text and person.pseudonym in response.text
    team.documenter.refresh_from_db()
    assert not team.documenter.is_active
    assert not team.documenter.compartments.exists()
    assert not StaffSession.objects.filter(user=team.documenter).exists()
    assert seized_phone.get(incident_url).status_code == 302  # logged out
    assert Client().post(LOGIN, {"username": "doc", "password": TEST_PASSWORD}).status_code != 302
    who = f"user:{coordinator.pk}"
    assert LedgerEntry.objects.filter(actor=who, action="revoke", object_id=str(team.documenter.pk)).exists()
    assert LedgerEntry.objects.filter(
        actor=who, action="access_revoke", object_id=f"{team.documenter.pk}:{team.home.pk}"
    ).exists()


def test_nobody_revokes_himself(client, team):
    coordinator = UserFactory(username="coord", role=Role.COORDINATOR, compartments=[team.home])
    client.force_login(coordinator)
    response = client.post(reverse("accounts:team_revoke", args=[coordinator.pk]), follow=True)
    assert "You cannot revoke your own account" in response.text
    coordinator.refresh_from_db()
    assert coordinator.is_active and coordinator.compartments.exists()


def test_revoking_is_a_post_only(client, team):
    coordinator = UserFactory(username="coord", role=Role.COORDINATOR)
    client.force_login(coordinator)
    assert client.get(reverse("accounts:team_revoke", args=[team.documenter.pk])).status_code == 405
    team.documenter.refresh_from_db()
    assert team.documenter.is_active
