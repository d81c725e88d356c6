"""Ledger entries: opaque ids only, chained by SHA-256.

Entries never hold names or narrative (threat model 1 and 6): crypto-shredding a record leaves the chain
intact and verifiable, and a seized ledger reveals who touched which opaque id, not whom it concerned.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


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
