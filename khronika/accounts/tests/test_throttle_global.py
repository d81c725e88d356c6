"""Many failures across all accounts in a minute pause every login briefly."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from khronika.accounts import throttle
from khronika.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def test_a_password_sprayed_over_many_names_pauses_everyones_login(client, team, monkeypatch):
    monkeypatch.setattr(throttle, "GLOBAL_LIMIT", 3)
    for number in range(4):
        client.post(LOGIN, {"username": f"guess{number}", "password": "Spring2026!"})
    response = client.post(LOGIN, {"username": "doc", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts. Wait 1 minute and try again." in response.text


def test_the_pause_is_brief():
    now = timezone.now()
    for number in range(throttle.GLOBAL_LIMIT + 1):
        throttle.record_failure(f"guess{number}", now)
    assert throttle.wait_seconds("doc", now) == throttle.GLOBAL_PAUSE_SECONDS
    assert throttle.wait_seconds("doc", now + timedelta(seconds=throttle.GLOBAL_PAUSE_SECONDS)) == 0


def test_failures_spread_over_minutes_do_not_add_up():
    now = timezone.now()
    for number in range(throttle.GLOBAL_LIMIT * 3):
        throttle.record_failure(f"guess{number}", now + timedelta(seconds=2 * number))
    assert throttle.wait_seconds("doc", now + timedelta(seconds=6 * throttle.GLOBAL_LIMIT)) == 0
