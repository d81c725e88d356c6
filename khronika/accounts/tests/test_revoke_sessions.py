"""Ending every session of an account at once (threat model 2: a colleague's phone is seized)."""

from django.test import Client
from django.urls import reverse

from khronika.accounts.models import StaffSession
from khronika.accounts.sessions import revoke_all_sessions
from khronika.testing.factories import TEST_PASSWORD

LOGIN = reverse("accounts:login")
INCIDENTS = reverse("records:incident_list")


def logged_in_client(username):
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def test_it_ends_every_session_of_the_account_and_no_other(team, settings):
    settings.REQUIRE_TWO_FACTOR = False
    laptop, phone = logged_in_client("doc"), logged_in_client("doc")
    colleague = logged_in_client("analyst")
    assert StaffSession.objects.filter(user=team.documenter).count() == 2

    assert revoke_all_sessions(team.documenter) == 2

    assert laptop.get(INCIDENTS).status_code == 302
    assert phone.get(INCIDENTS).status_code == 302
    assert colleague.get(INCIDENTS).status_code == 200
    assert not StaffSession.objects.filter(user=team.documenter).exists()
