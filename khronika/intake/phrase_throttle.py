"""Slowing down wrong receipt phrases without storing who tried.

What it is for. Blind guessing is hopeless: a phrase has about 90 bits. The threats are narrower:

- someone who knows *part* of a phrase (a glimpse of a note, a torn paper, a half-heard word) trying the
  rest: two missing words are 60 million tries, one missing word 7,776;
- a flood of phrase checks, each costing an Argon2 call (memory and CPU), starving new reports.

Why global only. A source has no account, and Khronika stores no IP address (the address of an
anonymous source is exactly what an adversary wants) and sets no cookie on public pages, so there is no
"who" to count per. The counter therefore runs across everybody: more than ``FAILURES_PER_MINUTE``
wrong phrases within a minute pauses every phrase check for ``PAUSE_SECONDS``. That caps a partial-
knowledge attack at about 30,000 tries a day (two missing words: years, not hours) and the Argon2 work
spent on wrong phrases.

The trade-off, written down: whoever keeps sending wrong phrases can keep returning sources waiting
(never new reports: submitting does not check a phrase). The pause never grows, so an honest source
who waits a minute gets through as soon as the flood stops, and nobody is locked out for longer.

Only a real miss counts: the caller checks ``wait_seconds()`` before anything else (a paused check costs
no hash and is not counted), refuses mistyped words with ``receipts.phrase_looks_valid`` (no hash, not
counted: it cannot be anyone's phrase), and calls ``record_failure()`` only when a well-formed phrase
matched no submission. The row lives in accounts' LoginThrottle table: it holds counters and times only.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from khronika.accounts.models import LoginThrottle

# Login throttle keys are "*" or 64 hex digits (khronika/accounts/throttle.py): this cannot clash.
THROTTLE_KEY = "intake-phrase"
WINDOW = timedelta(minutes=1)
FAILURES_PER_MINUTE = 20
PAUSE_SECONDS = 60


def wait_seconds(now: datetime | None = None) -> int:
    """Seconds before any receipt phrase is even checked (0: go ahead)."""
    now = now or timezone.now()
    row = LoginThrottle.objects.filter(key=THROTTLE_KEY, locked_until__gt=now).first()
    return math.ceil((row.locked_until - now).total_seconds()) if row and row.locked_until else 0


def record_failure(now: datetime | None = None) -> None:
    """Count one well-formed phrase that matched no submission; pause checks past the limit."""
    now = now or timezone.now()
    with transaction.atomic():
        LoginThrottle.objects.get_or_create(key=THROTTLE_KEY, defaults={"window_started_at": now})
        row = LoginThrottle.objects.select_for_update().get(key=THROTTLE_KEY)
        if now - row.window_started_at >= WINDOW:
            row.failures, row.window_started_at = 0, now
        row.failures += 1
        if row.failures > FAILURES_PER_MINUTE:
            row.locked_until = now + timedelta(seconds=PAUSE_SECONDS)
            row.failures, row.window_started_at = 0, now
        row.save()
