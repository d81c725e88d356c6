"""Signed checkpoints of the ledger's head, and checking the ledger against one exported earlier.

Why: the hash chain alone proves only that it is self-consistent. Someone with write access to the
database can edit an entry and recompute every hash after it, or cut entries off the end; either leaves a
chain that verifies (threat model 6). A checkpoint signed with a key that is not in the database, and
copied somewhere the attacker cannot reach, catches both: the rewritten entry no longer has the signed
hash, and the cut chain no longer reaches the signed entry.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Max
from django.utils import timezone
from nacl.signing import SigningKey

from khronika.ledger.chain import GENESIS_HASH
from khronika.ledger.models import Checkpoint, LedgerEntry
from khronika.ledger.proof import InvalidCheckpoint, SignedCheckpoint, checkpoint_message
from khronika.ledger.services import Break
from khronika.secret_files import create_secret_file

KEY_FILE_NAME = "ledger-signing.key"


def key_path() -> Path:
    return Path(settings.DATA_DIR) / KEY_FILE_NAME


def signing_key() -> SigningKey:
    """The instance's Ed25519 signing key, made on first use.

    TODO(vault): the vault issue wraps this key with the root key, so that a seized disk holds no usable
    signing key. Until then it is a plain file readable by the service account only (mode 0600).
    """
    path = key_path()
    if not path.exists():
        create_secret_file(path, 32)
    if path.stat().st_mode & 0o077:
        # A key others can read lets them sign checkpoints for a rewritten ledger.
        raise ImproperlyConfigured(
            f"The ledger signing key {path} can be read by other accounts on this machine. "
            f"Restrict it with: chmod 600 {path}"
        )
    try:
        seed = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (UnicodeDecodeError, ValueError):
        seed = b""
    if len(seed) != 32:
        raise ImproperlyConfigured(f"The ledger signing key {path} is damaged. Restore it from a backup.")
    return SigningKey(seed)


def public_key_hex() -> str:
    return bytes(signing_key().verify_key).hex()


def create_checkpoint() -> Checkpoint:
    """Sign the ledger's current head and keep the checkpoint."""
    key = signing_key()
    head = LedgerEntry.objects.order_by("-seq").only("seq", "entry_hash").first()
    seq, entry_hash = (head.seq, head.entry_hash) if head else (0, GENESIS_HASH)
    checkpoint = Checkpoint(
        seq=seq, entry_hash=entry_hash, at=timezone.now(), public_key=bytes(key.verify_key).hex()
    )
    message = checkpoint_message(seq, entry_hash, checkpoint.signed().at)
    checkpoint.signature = key.sign(message).signature.hex()
    checkpoint.save()
    return checkpoint


def export_checkpoint(checkpoint: Checkpoint) -> str:
    """The checkpoint as the JSON text to publish (``khronika ledger checkpoint --out``)."""
    return json.dumps(checkpoint.signed().to_dict(), indent=2, sort_keys=True) + "\n"


def verify_against(data: Mapping[str, Any]) -> Break | None:
    """Check the ledger against a checkpoint exported earlier.

    Raises ``InvalidCheckpoint`` if the checkpoint itself cannot be trusted (malformed, forged, or signed
    by another key than this instance's). Otherwise returns the first way the ledger contradicts it, or
    None: the entry at the checkpoint's number must still exist and still have the signed hash. Whether
    the chain is self-consistent up to there is ``services.verify``'s job; run both.
    """
    checkpoint = SignedCheckpoint.from_dict(data)
    checkpoint.check_signature()
    if not key_path().exists():
        # Checking must not quietly make a new key: that would hide that the real one went missing.
        raise InvalidCheckpoint(
            f"this instance's signing key {key_path()} is missing; restore it from a backup"
        )
    if checkpoint.public_key != public_key_hex():
        # Anyone can make a validly signed checkpoint with a key of their own.
        raise InvalidCheckpoint("it was signed by a different key than this ledger's")
    if checkpoint.seq == 0:
        return None
    last = LedgerEntry.objects.aggregate(last=Max("seq"))["last"] or 0
    if last < checkpoint.seq:
        return Break(
            last + 1,
            f"the ledger ends at entry {last}, but the checkpoint of {checkpoint.at} vouches for "
            f"{checkpoint.seq} entries: entries were removed from its end",
        )
    entry = LedgerEntry.objects.filter(seq=checkpoint.seq).only("entry_hash").first()
    if entry is None:
        return Break(checkpoint.seq, f"entry {checkpoint.seq}, named by the checkpoint, is missing")
    if entry.entry_hash != checkpoint.entry_hash:
        return Break(
            checkpoint.seq,
            f"it no longer has the hash signed in the checkpoint of {checkpoint.at}: "
            f"the ledger was rewritten at or before this entry",
        )
    return None
