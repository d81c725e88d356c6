"""Setting up an authenticator: unconfirmed until a right code, then recovery codes shown once."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_otp.oath import totp

from khronika.accounts.otp_devices import RecoveryCodes
from khronika.accounts.otp_devices import VaultTOTPDevice as TOTPDevice
from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import TEST_PASSWORD

PAGE = reverse("accounts:two_factor")
LOGIN = reverse("accounts:login")


def code_for(device, offset=0):
    return f"{totp(device.bin_key, device.step, device.t0 - offset * device.step, device.digits):06d}"


def start(client):
    return client.post(PAGE, {"action": "start", "start-current_password": TEST_PASSWORD})


def test_the_page_needs_a_login(client):
    assert client.get(PAGE).status_code == 302


def test_starting_needs_the_current_password(client, team):
    client.force_login(team.documenter)
    response = client.post(PAGE, {"action": "start", "start-current_password": "wrong"})
    assert "That is not your current password." in response.text
    assert not TOTPDevice.objects.exists()


def test_it_shows_a_server_made_qr_code_and_the_key_to_type(client, team):
    client.force_login(team.documenter)
    assert start(client).status_code == 302
    response = client.get(PAGE)
    device = TOTPDevice.objects.get(user=team.documenter)
    assert not device.confirmed
    assert "<svg" in response.text and 'class="qr"' in response.text
    # The strict CSP forbids style attributes and inline scripts: the QR code needs neither.
    assert "style=" not in response.text and "<script" not in response.text
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", response.text).group(1)
    assert len(secret.replace(" ", "")) == 32


def test_an_unconfirmed_authenticator_does_not_let_anyone_log_in(client, team, settings):
    settings.REQUIRE_TWO_FACTOR = True
    client.force_login(team.documenter)
    start(client)
    device = TOTPDevice.objects.get(user=team.documenter)
    client.logout()
    client.post(LOGIN, {"username": "doc", "password": TEST_PASSWORD, "otp_token": code_for(device)})
    assert "_auth_user_id" not in client.session


def test_it_rejects_a_wrong_code(client, team):
    client.force_login(team.documenter)
    start(client)
    device = TOTPDevice.objects.get(user=team.documenter)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = client.post(PAGE, {"action": "confirm", "confirm-code": wrong})
    assert "That code is not right." in response.text
    device.refresh_from_db()
    assert not device.confirmed
    assert not RecoveryCodes.objects.exists()
    assert not LedgerEntry.objects.filter(action="totp_enrol").exists()


def test_a_right_code_confirms_it_and_shows_ten_recovery_codes_once(client, team):
    client.force_login(team.documenter)
    start(client)
    device = TOTPDevice.objects.get(user=team.documenter)
    response = client.post(PAGE, {"action": "confirm", "confirm-code": code_for(device)})
    device.refresh_from_db()
    assert device.confirmed
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.text)
    assert len(codes) == 10
    assert len(RecoveryCodes.objects.get(user=team.documenter).remaining()) == 10
    assert LedgerEntry.objects.filter(action="totp_enrol", object_id=str(device.pk)).exists()
    again = client.get(PAGE)
    assert "Two-factor login is on" in again.text
    assert not any(code in again.text for code in codes)


def test_a_new_authenticator_replaces_the_old_one_only_when_confirmed(client, team):
    old = TOTPDevice.objects.create(user=team.documenter, name="old phone", confirmed=True)
    client.force_login(team.documenter)
    start(client)
    assert TOTPDevice.objects.filter(pk=old.pk).exists()
    new = TOTPDevice.objects.get(user=team.documenter, confirmed=False)
    client.post(PAGE, {"action": "confirm", "confirm-code": code_for(new)})
    assert list(TOTPDevice.objects.filter(user=team.documenter)) == [new]


def test_the_cli_enrols_a_user_in_person(team, monkeypatch, capsys):
    def type_the_code(prompt):
        return code_for(TOTPDevice.objects.get(user=team.documenter))

    monkeypatch.setattr("builtins.input", type_the_code)
    call_command("totp", "enrol", "doc")
    out = capsys.readouterr().out
    device = TOTPDevice.objects.get(user=team.documenter)
    assert device.confirmed
    assert "otpauth://totp/Khronika%3Adoc?secret=" in out
    assert "▀" in out or "█" in out  # the QR code drawn on the terminal
    assert len(re.findall(r"^  [a-z2-7]{4}-[a-z2-7]{4}$", out, re.MULTILINE)) == 10
    assert LedgerEntry.objects.filter(action="totp_enrol", actor="system").exists()


def test_the_cli_changes_nothing_after_three_wrong_codes(team, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "12")
    with pytest.raises(CommandError, match="Not confirmed"):
        call_command("totp", "enrol", "doc")
    assert not TOTPDevice.objects.exists()
