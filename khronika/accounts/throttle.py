"""Slowing down password guessing without storing who guessed.

Threat model 3 and 4: an informant or an outsider guessing a colleague's password must be slowed
down, but Khronika stores no IP address (an anonymous source's address is the thing the adversary
wants), so the counters are kept per account and across all accounts instead of per address:

- **per account**: after ``FREE_ATTEMPTS`` failures in a row, the account waits one minute before the
  next try; each further failure doubles the wait, up to ``MAX_LOCK_SECONDS`` (15 minutes). When a
  15-minute wait has passed, the count starts again, so a legitimate user is never locked out for
  longer than that, whatever a guesser does.
- **globally**: more than ``GLOBAL_LIMIT`` failures across all accounts within a minute pauses every
  login for ``GLOBAL_PAUSE_SECONDS``: a guesser spraying one password over many names is slowed too.

An account's counter is keyed by an HMAC of the normalized username typed, never the username, so a
name that does not exist is throttled like one that does and the table reveals no names. A throttled
attempt is refused before the password is checked: it neither costs a hash nor counts as a guess.
"""

from __future__ import annotations

import math
import unicodedata
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from khronika.accounts.models import LoginThrottle

FREE_ATTEMPTS = 5
FIRST_LOCK_SECONDS = 60
MAX_LOCK_SECONDS = 15 * 60
# A few mistyped passwords spread over weeks should not add up to a lock.
FORGET_AFTER = timedelta(days=1)

GLOBAL_KEY = "*"  # an HMAC key is 64 hex digits, so this can never be an account's key
GLOBAL_WINDOW = timedelta(minutes=1)
GLOBAL_LIMIT = 50
GLOBAL_PAUSE_SECONDS = 60


def account_key(username: str) -> str:
    """The opaque key of ``username``'s counter: an HMAC with SECRET_KEY, so it cannot be reversed
    by trying names against a stolen copy of the table without the server's secret too."""
    normalized = unicodedata.normalize("NFKC", username).strip().casefold()
    return salted_hmac("khronika.accounts.throttle", normalized, algorithm="sha256").hexdigest()


def wait_seconds(username: str, now: datetime | None = None) -> int:
    """Seconds the caller must wait before a login for ``username`` is even checked (0: go ahead)."""
    now = now or timezone.now()
    rows = LoginThrottle.objects.filter(key__in=[account_key(username), GLOBAL_KEY], locked_until__gt=now)
    until = max((row.locked_until for row in rows if row.locked_until), default=None)
    return math.ceil((until - now).total_seconds()) if until else 0


def record_failure(username: str, now: datetime | None = None) -> None:
    """Count a failed login for ``username`` and across all accounts; start or lengthen the waits."""
    now = now or timezone.now()
    with transaction.atomic():
        _count_account_failure(_locked_row(account_key(username), now), now)
        _count_global_failure(_locked_row(GLOBAL_KEY, now), now)


def record_success(username: str) -> None:
    """A successful login clears the account's counter (the global one runs by the minute)."""
    LoginThrottle.objects.filter(key=account_key(username)).delete()


def _locked_row(key: str, now: datetime) -> LoginThrottle:
    LoginThrottle.objects.get_or_create(key=key, defaults={"window_started_at": now})
    return LoginThrottle.objects.select_for_update().get(key=key)


def _count_account_failure(row: LoginThrottle, now: datetime) -> None:
    if row.locked_until is None or row.locked_until <= now:
        served_longest_wait = row.lock_seconds >= MAX_LOCK_SECONDS
        if served_longest_wait or now - row.window_started_at > FORGET_AFTER:
            row.failures, row.lock_seconds, row.locked_until, row.window_started_at = 0, 0, None, now
    row.failures += 1
    if row.failures >= FREE_ATTEMPTS:
        row.lock_seconds = min(FIRST_LOCK_SECONDS * 2 ** (row.failures - FREE_ATTEMPTS), MAX_LOCK_SECONDS)
        row.locked_until = now + timedelta(seconds=row.lock_seconds)
    row.save()


def _count_global_failure(row: LoginThrottle, now: datetime) -> None:
    if now - row.window_started_at >= GLOBAL_WINDOW:
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    if row.failures > GLOBAL_LIMIT:
        row.locked_until = now + timedelta(seconds=GLOBAL_PAUSE_SECONDS)
        row.failures, row.window_started_at = 0, now
    row.save()
