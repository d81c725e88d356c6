"""'End all sessions' from the team page (threat model 2: a colleague's unlocked phone was taken)."""

from django.test import Client
from django.urls import reverse

from khronika.accounts.models import StaffSession
from khronika.accounts.roles import Role
from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import TEST_PASSWORD, UserFactory

INCIDENTS = reverse("records:incident_list")


def logged_in(username):
    client = Client()
    assert (
        client.post(reverse("accounts:login"), {"username": username, "password": TEST_PASSWORD}).status_code
        == 302
    )
    return client


def test_it_ends_every_session_of_the_account_and_ledgers_it(team, settings):
    settings.REQUIRE_TWO_FACTOR = False
    coordinator = UserFactory(username="coord", role=Role.COORDINATOR, compartments=[team.home])
    phone = logged_in("doc")
    manager = logged_in("coord")

    response = manager.post(reverse("accounts:team_end_sessions", args=[team.documenter.pk]))

    assert response.status_code == 302
    assert phone.get(INCIDENTS).status_code == 302
    assert not StaffSession.objects.filter(user=team.documenter).exists()
    entry = LedgerEntry.objects.get(action="revoke_sessions")
    assert (entry.actor, entry.object_id) == (f"user:{coordinator.pk}", str(team.documenter.pk))
    team.documenter.refresh_from_db()
    assert team.documenter.is_active  # sessions only: the account itself stays


def test_ending_ones_own_sessions_keeps_the_current_one(team, settings):
    settings.REQUIRE_TWO_FACTOR = False
    coordinator = UserFactory(username="coord", role=Role.COORDINATOR, compartments=[team.home])
    other_device = logged_in("coord")
    here = logged_in("coord")
    here.post(reverse("accounts:team_end_sessions", args=[coordinator.pk]))
    assert here.get(INCIDENTS).status_code == 200
    assert other_device.get(INCIDENTS).status_code == 302


def test_it_is_a_post_only(client, team):
    coordinator = UserFactory(username="coord", role=Role.COORDINATOR)
    client.force_login(coordinator)
    assert client.get(reverse("accounts:team_end_sessions", args=[team.documenter.pk])).status_code == 405
