"""Ledger entries: opaque ids only, chained by SHA-256.

Entries never hold names or narrative (threat model 1 and 6): crypto-shredding a record leaves the chain
intact and verifiable, and a seized ledger reveals who touched which opaque id, not whom it concerned.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from khronika.ledger.chain import GENESIS_HASH, format_time
from khronika.ledger.proof import SignedCheckpoint

__all__ = ["GENESIS_HASH", "Checkpoint", "LedgerEntry"]


class LedgerEntry(models.Model):
    # The sequence number is set by the ledger itself under a lock, not by the database, so that it is part
    # of the hashed content: deleting or reordering rows breaks the chain visibly.
    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(_("time"))
    actor = models.CharField(_("actor"), max_length=64)
    action = models.CharField(_("action"), max_length=32, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["actor", "at"]), models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class Checkpoint(models.Model):
    """A signed statement "the ledger had ``seq`` entries and its last hash was ``entry_hash``".

    Kept here so that the organisation knows what it has signed; its worth comes from copies published
    elsewhere (docs/operations.md): someone who rewrites the whole chain, or cuts off its end, can also
    rewrite this table, but cannot change a copy held by a partner, nor sign a new one without the key.
    """

    seq = models.BigIntegerField(_("entries"), db_index=True)
    entry_hash = models.CharField(max_length=64)
    at = models.DateTimeField(_("time"))
    public_key = models.CharField(_("public key"), max_length=64)
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("ledger checkpoint")
        verbose_name_plural = _("ledger checkpoints")

    def __str__(self) -> str:
        return f"checkpoint #{self.seq} {self.entry_hash[:12]}"

    def signed(self) -> SignedCheckpoint:
        return SignedCheckpoint(
            seq=self.seq,
            entry_hash=self.entry_hash,
            at=format_time(self.at),
            public_key=self.public_key,
            signature=self.signature,
        )
