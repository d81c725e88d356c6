"""Flood resistance for the public pages, without knowing who sends what.

A flood of fake reports could bury a real one or fill the disk. The usual defence, limits per IP
address, is the one thing intake must not have (the address is what an adversary wants, and Tor users
share exit addresses anyway). What is left, and what this module does:

- a cap on new reports per minute across the whole process (``INTAKE_MAX_SUBMISSIONS_PER_MINUTE``);
- per return visit, a cap on messages (``return_visit``), and size caps on every text and file (forms);
- the memory-hard receipt-phrase hash, which makes each report cost the sender's request real time;
- past the cap, reports whose browser solved a proof of work (JavaScript on; ``proof_of_work``).

The counter lives in this process's memory only. A counter in the database would record how many
reports arrived in each minute, which is finer than the hour that submissions themselves keep. The
trade-off: with several server processes the cap applies to each one, and a determined flood at the
cap still gets through, slowly; docs/security.md lists this.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings

_lock = threading.Lock()
_window_start = 0.0
_count = 0
_proven = 0


def allow_submission(now: float | None = None, *, with_proof: bool = False) -> bool:
    """Count one new report; False when this minute's cap is reached (the report is refused).

    A report with a solved proof of work (``proof_of_work``) has a cap of its own, ``INTAKE_POW_EXTRA``
    times larger, so a flood that exhausts the plain cap does not stop sources whose browser pays."""
    global _window_start, _count, _proven
    now = time.monotonic() if now is None else now
    with _lock:
        if now - _window_start >= 60:
            _window_start, _count, _proven = now, 0, 0
        cap = settings.INTAKE_MAX_SUBMISSIONS_PER_MINUTE
        if _count < cap:
            _count += 1
            return True
        if with_proof and _proven < cap * settings.INTAKE_POW_EXTRA:
            _proven += 1
            return True
        return False


def reset() -> None:
    global _window_start, _count, _proven
    with _lock:
        _window_start, _count, _proven = 0.0, 0, 0
