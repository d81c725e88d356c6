"""Logging in with the duress password looks like a normal login and opens only the decoy workspace,
while the account's other sessions end, coordinators are alerted and the ledger records it."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from khronika.accounts.duress import decoy_compartment, set_duress_password
from khronika.accounts.models import Alert, StaffSession
from khronika.accounts.otp_devices import VaultTOTPDevice as TOTPDevice
from khronika.ledger.models import LedgerEntry
from khronika.records.models import Incident
from khronika.testing.factories import TEST_PASSWORD, IncidentFactory

LOGIN = reverse("accounts:login")
INCIDENTS = reverse("records:incident_list")
DURESS = "blue heron over the river"


@pytest.fixture
def forced(team, settings):
    """The documenter has an authenticator, a duress password and a real incident in Home."""
    settings.REQUIRE_TWO_FACTOR = True
    settings.KHRONIKA_DECOY_INCIDENTS = 6
    device = TOTPDevice.objects.create(user=team.documenter, name="phone", confirmed=True)
    set_duress_password(team.documenter, DURESS)
    real = IncidentFactory(compartment=team.home, title="Real incident of the home team")
    return device, real


def code(device, step=0):
    """The code of the current time step, or of the next one (the previous code cannot be reused)."""
    return f"{totp(device.bin_key, device.step, device.t0 - step * device.step, device.digits):06d}"


def log_in(client, device, password, step=0, next_url=""):
    data = {"username": "doc", "password": password, "otp_token": code(device, step), "next": next_url}
    return client.post(LOGIN, data)


@pytest.mark.parametrize("next_url", ["", INCIDENTS])
def test_the_redirect_is_exactly_that_of_a_normal_login(forced, next_url):
    device, _ = forced
    normal = log_in(Client(), device, TEST_PASSWORD, 0, next_url)
    duress = log_in(Client(), device, DURESS, 1, next_url)
    assert normal.status_code == duress.status_code == 302
    assert normal["Location"] == duress["Location"]
    assert sorted(normal.cookies) == sorted(duress.cookies)


def test_the_decoy_session_sees_only_decoy_records(client, forced):
    device, real = forced
    log_in(client, device, DURESS)
    page = client.get(INCIDENTS)
    decoys = Incident.objects.filter(compartment=decoy_compartment())
    assert decoys.count() == 6
    assert all(incident.reference in page.text for incident in decoys)
    assert real.reference not in page.text
    assert client.get(reverse("records:incident_detail", args=[decoys[0].id])).status_code == 200


def test_the_users_real_records_answer_404(client, forced):
    device, real = forced
    log_in(client, device, DURESS)
    assert client.get(reverse("records:incident_detail", args=[real.id])).status_code == 404


def test_the_accounts_other_sessions_are_ended(forced, team):
    device, _ = forced
    phone = Client()
    log_in(phone, device, TEST_PASSWORD)
    assert phone.get(INCIDENTS).status_code == 200
    forced_client = Client()
    log_in(forced_client, device, DURESS, step=1)
    assert phone.get(INCIDENTS).status_code == 302
    assert forced_client.get(INCIDENTS).status_code == 200
    assert list(StaffSession.objects.filter(user=team.documenter).values_list("session_key", flat=True)) == [
        forced_client.session.session_key
    ]


def test_coordinators_are_alerted_and_the_ledger_records_it(client, forced, team):
    device, _ = forced
    log_in(client, device, DURESS)
    assert Alert.objects.filter(kind=Alert.Kind.DURESS_LOGIN, subject=team.documenter).count() == 1
    assert LedgerEntry.objects.filter(
        action="duress_login", actor=f"user:{team.documenter.pk}", object_id=str(team.documenter.pk)
    ).exists()
    assert not LedgerEntry.objects.filter(action="login").exists()


def test_the_duress_password_still_needs_the_authenticator_code(client, forced):
    device, _ = forced
    wrong = "000000" if code(device) != "000000" else "111111"
    response = client.post(LOGIN, {"username": "doc", "password": DURESS, "otp_token": wrong})
    assert "That username, password or code is not right." in response.text
    assert "_auth_user_id" not in client.session
    assert not Alert.objects.exists()


def test_a_normal_login_is_not_a_decoy_session(client, forced):
    device, real = forced
    log_in(client, device, TEST_PASSWORD)
    assert real.reference in client.get(INCIDENTS).text
    assert not Alert.objects.exists()
