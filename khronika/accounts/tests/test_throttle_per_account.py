"""Per-account throttling: five free tries, then waits that double up to 15 minutes, then a fresh start."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from khronika.accounts import forms, throttle
from khronika.accounts.models import LoginThrottle
from khronika.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def fail(client, username="doc"):
    return client.post(LOGIN, {"username": username, "password": "wrong password"})


def test_the_sixth_try_after_five_failures_is_refused_with_a_plain_message(client, team):
    for _ in range(5):
        assert fail(client).status_code == 200
    response = client.post(LOGIN, {"username": "doc", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts. Wait 1 minute and try again." in response.text
    assert "_auth_user_id" not in client.session


def test_a_throttled_attempt_does_not_even_check_the_password(client, team, monkeypatch):
    for _ in range(5):
        fail(client)
    checked = []
    monkeypatch.setattr(forms, "authenticate", lambda *args, **kwargs: checked.append("password"))
    monkeypatch.setattr(forms, "duress_matches", lambda *args: checked.append("duress") or False)
    assert client.post(LOGIN, {"username": "doc", "password": TEST_PASSWORD}).status_code == 429
    assert checked == []


def test_a_username_that_does_not_exist_is_throttled_too_without_creating_an_account(client, team):
    for _ in range(5):
        fail(client, "nobody-by-this-name")
    assert fail(client, "nobody-by-this-name").status_code == 429
    assert not team.documenter.__class__.objects.filter(username="nobody-by-this-name").exists()
    assert not LoginThrottle.objects.filter(key__icontains="nobody").exists()


def test_other_accounts_are_not_slowed_by_one_accounts_failures(client, team, settings):
    settings.REQUIRE_TWO_FACTOR = False
    for _ in range(5):
        fail(client, "analyst")
    assert client.post(LOGIN, {"username": "doc", "password": TEST_PASSWORD}).status_code == 302


def test_waits_double_up_to_fifteen_minutes():
    now = timezone.now()
    waits = []
    for _ in range(10):
        throttle.record_failure("doc", now)
        wait = throttle.wait_seconds("doc", now)
        waits.append(wait)
        now += timedelta(seconds=wait)
    assert waits == [0, 0, 0, 0, 60, 120, 240, 480, 900, 0]


def test_a_success_clears_the_count(client, team, settings):
    settings.REQUIRE_TWO_FACTOR = False
    for _ in range(4):
        fail(client)
    assert client.post(LOGIN, {"username": "doc", "password": TEST_PASSWORD}).status_code == 302
    client.logout()
    for _ in range(4):
        fail(client)
    assert client.post(LOGIN, {"username": "doc", "password": TEST_PASSWORD}).status_code == 302


@pytest.mark.parametrize("typed", ["DOC", " doc ", "ｄｏｃ"])
def test_the_key_ignores_case_spaces_and_wide_letters(typed):
    assert throttle.account_key(typed) == throttle.account_key("doc")
