"""The hash of one ledger entry. No Django imports: a verifier can reuse it with the standard library."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime


def entry_hash(
    seq: int, at: datetime, actor: str, action: str, object_type: str, object_id: str, prev_hash: str
) -> str:
    payload = json.dumps(
        [seq, at.isoformat(timespec="microseconds"), actor, action, object_type, object_id, prev_hash],
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()
