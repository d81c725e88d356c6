"""A throttled account is let in again when its wait is over, and never waits more than 15 minutes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from khronika.accounts import throttle
from khronika.accounts.models import LoginThrottle
from khronika.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def test_the_right_password_works_once_the_wait_is_over(client, team, settings):
    settings.REQUIRE_TWO_FACTOR = False
    for _ in range(5):
        client.post(LOGIN, {"username": "doc", "password": "wrong"})
    assert client.post(LOGIN, {"username": "doc", "password": TEST_PASSWORD}).status_code == 429
    LoginThrottle.objects.exclude(key=throttle.GLOBAL_KEY).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    assert client.post(LOGIN, {"username": "doc", "password": TEST_PASSWORD}).status_code == 302


def test_after_the_longest_wait_the_count_starts_again():
    """Whatever a guesser does, a legitimate user is never locked out for longer than 15 minutes."""
    now = timezone.now()
    for _ in range(9):
        throttle.record_failure("doc", now)
        now += timedelta(seconds=throttle.wait_seconds("doc", now))
    assert LoginThrottle.objects.get(key=throttle.account_key("doc")).lock_seconds == 900
    throttle.record_failure("doc", now)
    assert throttle.wait_seconds("doc", now) == 0
    assert LoginThrottle.objects.get(key=throttle.account_key("doc")).failures == 1


def test_old_failures_are_forgotten_after_a_day():
    then = timezone.now() - timedelta(days=2)
    for _ in range(4):
        throttle.record_failure("doc", then)
    throttle.record_failure("doc")
    assert throttle.wait_seconds("doc") == 0
