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
from typing import Any

from django.db.models import Max
from django.utils import timezone
from nacl.signing import SigningKey

from khronika.ledger.chain import GENESIS_HASH
from khronika.ledger.models import Checkpoint, LedgerEntry
from khronika.ledger.proof import InvalidCheckpoint, SignedCheckpoint, checkpoint_message
from khronika.ledger.services import Break
from khronika.vault.derived_keys import DerivedSigningKey

# Derived from the organisation key, so only an unsealed instance signs (vault/derived_keys.py). The
# files ledger-signing.pub (public, for checking while sealed) and ledger-signing-retired.pub (keys of
# earlier versions, kept as files) sit in the data folder.
KEY = DerivedSigningKey("ledger checkpoint", "ledger-signing")


def signing_key() -> SigningKey:
    """The instance's Ed25519 checkpoint key; ``VaultSealed`` while the vault is sealed."""
    return KEY.signing_key()


def public_key_hex() -> str:
    """This ledger's public key, also while sealed once it was unsealed since (else a clear refusal)."""
    public = KEY.public_key_hex()
    if public is None:
        raise InvalidCheckpoint(
            "this instance's public signing key is not known yet: unseal the vault (khronika unseal) "
            "and check again"
        )
    return public


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
    if checkpoint.public_key not in {public_key_hex(), *KEY.retired_public_keys()}:
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
