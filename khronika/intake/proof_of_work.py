"""An optional proof of work for reports sent with JavaScript on: a way past the flood cap.

The flood cap (``flood``) refuses new reports once a minute's quota is used, which a flood can use up.
A browser with JavaScript can instead spend a second or two of CPU on a puzzle: find a nonce such that
SHA-256(challenge ":" nonce) starts with ``INTAKE_POW_BITS`` zero bits. A report that carries a solved,
fresh, unused puzzle is accepted up to a higher cap even while the plain cap is exhausted, so a flooder
must pay per report while real sources keep getting through.

Why optional: Tor Browser's "Safest" level switches JavaScript off, and those sources must never be
refused for that; without JavaScript they get the plain cap (and, past it, the "busy" page). The trade-off
is documented in docs/security.md: the puzzle costs a flooder CPU, not identity; no cookie or address
is involved. Challenges are signed with the server's secret (no table of issued challenges, so nothing
records when a form was opened); a solved one is accepted once per process (``_spent``), in memory only.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time

from django.conf import settings
from django.core import signing

_SALT = "khronika.intake.proof-of-work"
_MAX_AGE_SECONDS = 15 * 60
_lock = threading.Lock()
_spent: dict[str, float] = {}


def new_challenge() -> str:
    """A fresh signed challenge for the form (its signature dates it; it names nobody)."""
    return signing.TimestampSigner(salt=_SALT).sign(secrets.token_hex(16))


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def is_solved(challenge: str, nonce: str) -> bool:
    """True once for a signed, fresh challenge whose nonce meets the difficulty."""
    if not challenge or not nonce or len(nonce) > 32:
        return False
    try:
        signing.TimestampSigner(salt=_SALT).unsign(challenge, max_age=_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return False
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    if leading_zero_bits(digest) < settings.INTAKE_POW_BITS:
        return False
    now = time.monotonic()
    with _lock:
        for old in [c for c, at in _spent.items() if now - at > _MAX_AGE_SECONDS]:
            del _spent[old]
        if challenge in _spent:
            return False
        _spent[challenge] = now
    return True
