"""Login with password and TOTP on one page; logout only by POST."""

import pytest
from django.urls import reverse
from django_otp.oath import totp

from khronika.accounts.otp_devices import VaultTOTPDevice as TOTPDevice
from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import TEST_PASSWORD

LOGIN = reverse("accounts:login")


@pytest.fixture
def device(team):
    return TOTPDevice.objects.create(user=team.documenter, name="phone", confirmed=True)


def current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_it_logs_in_with_password_and_code(client, team, device):
    response = client.post(
        LOGIN, {"username": "doc", "password": TEST_PASSWORD, "otp_token": current_code(device)}
    )
    assert response.status_code == 302
    assert client.get(reverse("records:incident_list")).status_code == 200
    assert LedgerEntry.objects.filter(action="login", object_id=str(team.documenter.pk)).exists()


@pytest.mark.parametrize("field", ["password", "otp_token"])
def test_a_wrong_password_or_code_gets_one_message_that_does_not_say_which(client, team, device, field):
    data = {"username": "doc", "password": TEST_PASSWORD, "otp_token": current_code(device)}
    data[field] = "000000" if field == "otp_token" and data[field] != "000000" else "wrong"
    response = client.post(LOGIN, data)
    assert response.status_code == 200
    assert "That username, password or code is not right." in response.text
    assert "_auth_user_id" not in client.session


def test_without_an_authenticator_staff_cannot_log_in_when_2fa_is_required(client, team, settings):
    settings.REQUIRE_TWO_FACTOR = True
    response = client.post(LOGIN, {"username": "doc", "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "not right" in response.text


def test_logout_refuses_get_and_works_by_post(client, team):
    client.force_login(team.documenter)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_logout_needs_a_csrf_token(team):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(team.documenter)
    assert client.post(reverse("accounts:logout")).status_code == 403
    assert "_auth_user_id" in client.session


def test_it_does_not_redirect_to_another_site(client, team, device):
    response = client.post(
        LOGIN + "?next=https://evil.example/",
        {"username": "doc", "password": TEST_PASSWORD, "otp_token": current_code(device)},
    )
    assert response["Location"] == "/"
