"""Wrong receipt phrases are slowed for everybody at once, storing nothing about who tried."""

from datetime import timedelta

import pytest
from django.utils import timezone

from khronika.accounts.models import LoginThrottle
from khronika.intake import phrase_throttle

pytestmark = pytest.mark.django_db


def test_checks_go_ahead_until_the_limit_is_passed():
    now = timezone.now()
    for _ in range(phrase_throttle.FAILURES_PER_MINUTE):
        phrase_throttle.record_failure(now)
    assert phrase_throttle.wait_seconds(now) == 0
    phrase_throttle.record_failure(now)
    assert phrase_throttle.wait_seconds(now) == phrase_throttle.PAUSE_SECONDS


def test_the_pause_is_brief_and_does_not_grow():
    now = timezone.now()
    for _ in range(phrase_throttle.FAILURES_PER_MINUTE * 5):
        phrase_throttle.record_failure(now)
    assert phrase_throttle.wait_seconds(now) == phrase_throttle.PAUSE_SECONDS
    assert phrase_throttle.wait_seconds(now + timedelta(seconds=phrase_throttle.PAUSE_SECONDS)) == 0


def test_failures_spread_over_minutes_do_not_add_up():
    now = timezone.now()
    for number in range(phrase_throttle.FAILURES_PER_MINUTE * 3):
        phrase_throttle.record_failure(now + timedelta(seconds=10 * number))
    assert (
        phrase_throttle.wait_seconds(now + timedelta(seconds=30 * phrase_throttle.FAILURES_PER_MINUTE)) == 0
    )


def test_the_wait_is_rounded_up_to_whole_seconds():
    now = timezone.now()
    for _ in range(phrase_throttle.FAILURES_PER_MINUTE + 1):
        phrase_throttle.record_failure(now)
    assert phrase_throttle.wait_seconds(now + timedelta(seconds=59.5)) == 1


def test_one_global_row_of_counters_is_all_that_is_stored():
    """No per-person key: there is no account, and no address or cookie may be kept."""
    for _ in range(5):
        phrase_throttle.record_failure()
    row = LoginThrottle.objects.get()
    assert row.key == "intake-phrase"
    assert row.failures == 5


def test_it_does_not_slow_staff_logins():
    from khronika.accounts import throttle

    now = timezone.now()
    for _ in range(phrase_throttle.FAILURES_PER_MINUTE + 1):
        phrase_throttle.record_failure(now)
    assert throttle.wait_seconds("doc", now) == 0
