"""The hash of one ledger entry. No Django imports: a verifier can reuse it with the standard library.

``verify_bundle.py`` (the standalone verifier shipped in evidence bundles) repeats ``entry_digest``
byte for byte; ``tests/test_standalone_mirror.py`` fails if the two drift apart.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

GENESIS_HASH = "0" * 64


def format_time(at: datetime) -> str:
    """The text of an entry's time as it is hashed (and as bundles carry it)."""
    return at.isoformat(timespec="microseconds")


def entry_hash(
    seq: int, at: datetime, actor: str, action: str, object_type: str, object_id: str, prev_hash: str
) -> str:
    return entry_digest(seq, format_time(at), actor, action, object_type, object_id, prev_hash)


def entry_digest(
    seq: int, at: str, actor: str, action: str, object_type: str, object_id: str, prev_hash: str
) -> str:
    """``entry_hash`` with the time already written as text, for entries read back from a bundle."""
    payload = json.dumps(
        [seq, at, actor, action, object_type, object_id, prev_hash],
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()
