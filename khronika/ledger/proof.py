"""Signed checkpoints and chain segments as plain data. No Django imports.

What a checkpoint signs, and how a segment of the chain is checked against one, must be exactly what
``verify_bundle.py`` (the standard-library verifier handed to courts) checks; keeping both here, away
from the database, lets ``tests/test_standalone_mirror.py`` hold the two side by side.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Protocol

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from khronika.ledger.chain import GENESIS_HASH, entry_digest, format_time

CHECKPOINT_KIND = "khronika-ledger-checkpoint-v1"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX128 = re.compile(r"[0-9a-f]{128}")


class InvalidCheckpoint(ValueError):
    """The checkpoint cannot be trusted: malformed, badly signed, or signed by another key."""


def canonical_json(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, ASCII only, so a signature survives transport."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def checkpoint_message(seq: int, entry_hash: str, at: str) -> bytes:
    """The bytes signed for a checkpoint. ``kind`` keeps this key's signatures from meaning anything else."""
    return canonical_json({"kind": CHECKPOINT_KIND, "seq": seq, "entry_hash": entry_hash, "at": at})


@dataclass(frozen=True)
class SignedCheckpoint:
    seq: int
    entry_hash: str
    at: str
    public_key: str
    signature: str

    def message(self) -> bytes:
        return checkpoint_message(self.seq, self.entry_hash, self.at)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": CHECKPOINT_KIND, **asdict(self)}

    @classmethod
    def from_dict(cls, data: Any) -> SignedCheckpoint:
        """Read a checkpoint exported earlier; ``InvalidCheckpoint`` names what is wrong with it."""
        if not isinstance(data, Mapping) or data.get("kind") != CHECKPOINT_KIND:
            raise InvalidCheckpoint("it is not a Khronika ledger checkpoint")
        seq, entry_hash, at = data.get("seq"), data.get("entry_hash"), data.get("at")
        public_key, signature = data.get("public_key"), data.get("signature")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise InvalidCheckpoint("its entry number is missing or not a number")
        if not isinstance(entry_hash, str) or not _HEX64.fullmatch(entry_hash):
            raise InvalidCheckpoint("its entry hash is missing or malformed")
        if not isinstance(at, str) or not _is_time(at):
            raise InvalidCheckpoint("its time is missing or malformed")
        if not isinstance(public_key, str) or not _HEX64.fullmatch(public_key):
            raise InvalidCheckpoint("its public key is missing or malformed")
        if not isinstance(signature, str) or not _HEX128.fullmatch(signature):
            raise InvalidCheckpoint("its signature is missing or malformed")
        return cls(seq, entry_hash, at, public_key, signature)

    def check_signature(self) -> None:
        """Raise ``InvalidCheckpoint`` unless the signature is the public key's over this checkpoint."""
        try:
            VerifyKey(bytes.fromhex(self.public_key)).verify(self.message(), bytes.fromhex(self.signature))
        except (BadSignatureError, ValueError) as exc:
            raise InvalidCheckpoint("its signature is not valid: it was altered or forged") from exc


def _is_time(text: str) -> bool:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return False
    return parsed.tzinfo is not None


class EntryLike(Protocol):
    seq: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    prev_hash: str
    entry_hash: str


def entry_record(entry: EntryLike) -> dict[str, Any]:
    """One ledger entry as a bundle carries it: every hashed field, the time as hashed text."""
    return {
        "seq": entry.seq,
        "at": format_time(entry.at),
        "actor": entry.actor,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "prev_hash": entry.prev_hash,
        "entry_hash": entry.entry_hash,
    }


def segment_problem(entries: Sequence[Mapping[str, Any]], checkpoint: SignedCheckpoint) -> str | None:
    """Check that ``entries`` (consecutive, as from ``entry_record``) chain up to ``checkpoint``.

    The checkpoint's signature covers the hash of its last entry, and every entry's hash covers the one
    before it, so an intact segment ending at the checkpoint proves each of its entries unchanged since
    the checkpoint was signed. Returns what is wrong, naming the first bad entry, or None.
    """
    if not entries:
        return "the ledger segment is empty"
    # The very first entry points to the genesis hash; a segment starting later takes its first link on
    # trust, which costs nothing: that link is itself covered by the entry's hash.
    prev: str | None = GENESIS_HASH if entries[0].get("seq") == 1 else None
    expected_seq = entries[0].get("seq")
    for entry in entries:
        seq = entry.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool):
            return "a ledger entry in the segment has no valid number"
        if seq != expected_seq:
            return f"ledger entry {expected_seq} is missing or out of order"
        try:
            digest = entry_digest(
                entry["seq"],
                entry["at"],
                entry["actor"],
                entry["action"],
                entry["object_type"],
                entry["object_id"],
                entry["prev_hash"],
            )
        except (KeyError, TypeError):
            return f"ledger entry {seq} is incomplete"
        if prev is not None and entry["prev_hash"] != prev:
            return f"ledger entry {seq} does not point to the entry before it"
        if digest != entry.get("entry_hash"):
            return f"ledger entry {seq} was changed after it was written"
        prev, expected_seq = digest, seq + 1
    last = entries[-1]
    if last["seq"] != checkpoint.seq or last["entry_hash"] != checkpoint.entry_hash:
        return f"the ledger segment does not end at the signed checkpoint (entry {checkpoint.seq})"
    return None
