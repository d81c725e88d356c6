"""Choosing a duress password; and a decoy session, which sees the same pages but changes nothing."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from khronika.accounts.duress import duress_matches, set_duress_password
from khronika.accounts.models import DuressPassword
from khronika.accounts.otp_devices import VaultTOTPDevice as TOTPDevice
from khronika.testing.factories import TEST_PASSWORD

PAGE = reverse("accounts:duress_password")
TWO_FACTOR = reverse("accounts:two_factor")
LOGIN = reverse("accounts:login")
DURESS = "blue heron over the river"


def choose(client, current, new, again=None):
    return client.post(
        PAGE,
        {
            "action": "set",
            "set-current_password": current,
            "set-duress_password": new,
            "set-duress_password_again": new if again is None else again,
        },
    )


@pytest.fixture
def doc_client(client, team, settings):
    settings.KHRONIKA_DECOY_INCIDENTS = 2
    client.force_login(team.documenter)
    return client


def test_it_sets_a_duress_password(doc_client, team):
    response = choose(doc_client, TEST_PASSWORD, DURESS)
    assert response.status_code == 302
    assert duress_matches(team.documenter, DURESS)
    assert not DuressPassword.objects.get(user=team.documenter).password.endswith(DURESS)


def test_it_needs_the_current_password(doc_client, team):
    response = choose(doc_client, "not my password", DURESS)
    assert "That is not your current password." in response.text
    assert not duress_matches(team.documenter, DURESS)


def test_it_must_differ_from_the_real_password(doc_client, team):
    response = choose(doc_client, TEST_PASSWORD, TEST_PASSWORD)
    assert "must be different from your real password" in response.text


def test_both_copies_must_match(doc_client):
    assert "are not the same" in choose(doc_client, TEST_PASSWORD, DURESS, "something else").text


def test_removing_it_leaves_a_row_that_matches_nothing(doc_client, team):
    choose(doc_client, TEST_PASSWORD, DURESS)
    doc_client.post(PAGE, {"action": "remove", "remove-current_password": TEST_PASSWORD})
    assert not duress_matches(team.documenter, DURESS)
    assert DuressPassword.objects.filter(user=team.documenter).exists()


def test_the_page_never_says_whether_one_is_set(doc_client):
    before = doc_client.get(PAGE).text
    choose(doc_client, TEST_PASSWORD, DURESS)
    doc_client.get(PAGE)  # the one-time "saved" message
    after = doc_client.get(PAGE).text
    strip = lambda text: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)  # noqa: E731
    assert strip(before) == strip(after)


def test_every_account_that_logs_in_gets_a_duress_row(client, team, settings):
    settings.REQUIRE_TWO_FACTOR = False
    client.post(LOGIN, {"username": "doc", "password": TEST_PASSWORD})
    assert DuressPassword.objects.filter(user=team.documenter).exists()
    assert not duress_matches(team.documenter, "")


@pytest.fixture
def decoy(team, settings):
    settings.REQUIRE_TWO_FACTOR = False
    settings.KHRONIKA_DECOY_INCIDENTS = 2
    set_duress_password(team.documenter, DURESS)
    client = Client()
    client.post(LOGIN, {"username": "doc", "password": DURESS})
    return client


def test_a_decoy_session_changes_no_duress_password(decoy, team):
    before = DuressPassword.objects.get(user=team.documenter).password
    response = choose(decoy, DURESS, "a different duress phrase")
    assert response.status_code == 302
    assert "Your duress password is saved." in decoy.get(PAGE).text
    assert DuressPassword.objects.get(user=team.documenter).password == before


def test_a_decoy_session_sets_up_no_authenticator(decoy, team):
    assert decoy.post(TWO_FACTOR, {"action": "start", "start-current_password": DURESS}).status_code == 302
    page = decoy.get(TWO_FACTOR).text
    assert "<svg" in page
    key = decoy.session["khronika_pending_totp"]
    device = TOTPDevice(key=key)
    code = f"{totp(device.bin_key):06d}"
    response = decoy.post(TWO_FACTOR, {"action": "confirm", "confirm-code": code})
    assert response.text.count("<li><code>") == 10
    assert not TOTPDevice.objects.exists()
