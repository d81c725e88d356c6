"""Appending to and verifying the ledger."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.utils import timezone

from khronika.bulk import insert_rows
from khronika.ledger.chain import entry_hash
from khronika.ledger.models import GENESIS_HASH, LedgerEntry

ModelT = TypeVar("ModelT", bound=models.Model)

# LedgerEntry's fields in declaration order.
_COLUMNS = ("seq", "at", "actor", "action", "object_type", "object_id", "prev_hash", "entry_hash")
# Arbitrary constant naming the ledger's PostgreSQL advisory lock.
_PG_LOCK_KEY = 0x6B68726F6E


def actor_id(actor: Any) -> str:
    """Opaque id of whoever acted: a user's primary key, or "system" for the CLI and the worker."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "system"
    return f"user:{actor.pk}"


def object_ref(obj: models.Model) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


@dataclass(frozen=True)
class Event:
    action: str
    object_type: str
    object_id: str


def record(actor: Any, action: str, obj: models.Model) -> LedgerEntry:
    """Append one entry: ``actor`` did ``action`` to ``obj``."""
    object_type, object_id = object_ref(obj)
    return record_events(actor, [Event(action, object_type, object_id)])[-1]


def save_recorded(actor: Any, action: str, obj: ModelT) -> ModelT:
    """Save ``obj`` and ledger ``action`` in one transaction: a change the ledger does not show must
    not exist, nor an entry for a change that was rolled back."""
    with transaction.atomic():
        obj.save()
        record(actor, action, obj)
    return obj


def record_events(actor: Any, events: Iterable[Event]) -> list[LedgerEntry]:
    """Append many entries at once, chained in order (bulk imports and demo data)."""
    who = actor_id(actor)
    with transaction.atomic():
        _lock()
        last = LedgerEntry.objects.order_by("-seq").only("seq", "entry_hash").first()
        seq, prev = (last.seq, last.entry_hash) if last else (0, GENESIS_HASH)
        now = timezone.now()
        rows = []
        for event in events:
            seq += 1
            digest = entry_hash(seq, now, who, event.action, event.object_type, event.object_id, prev)
            rows.append((seq, now, who, event.action, event.object_type, event.object_id, prev, digest))
            prev = digest
        # insert_rows rather than bulk_create, and positional instances (the fast path of Model.__init__,
        # in _COLUMNS order): the demo's 100,000 incidents append 600,000 entries.
        insert_rows(LedgerEntry, _COLUMNS, rows)
        entries = [
            LedgerEntry(n, at, by, act, kind, oid, pre, dig) for n, at, by, act, kind, oid, pre, dig in rows
        ]
        # Imported here: the watcher raises alerts, and raising an alert writes to the ledger.
        from khronika.ledger.watch import watch_entries

        watch_entries(entries)
    return entries


def _lock() -> None:
    """Serialise appends. SQLite's IMMEDIATE transactions already hold the write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


def verify() -> tuple[int, Break | None]:
    """Walk the chain; return how many entries are intact and the first break, if any."""
    expected_seq, prev = 1, GENESIS_HASH
    count = 0
    for entry in _entries():
        if entry.seq != expected_seq:
            return count, Break(expected_seq, f"entry {expected_seq} is missing or out of order")
        if entry.prev_hash != prev:
            return count, Break(entry.seq, "it does not point to the entry before it")
        digest = entry_hash(
            entry.seq,
            entry.at,
            entry.actor,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.prev_hash,
        )
        if digest != entry.entry_hash:
            return count, Break(entry.seq, "its content was changed after it was written")
        prev, expected_seq, count = digest, expected_seq + 1, count + 1
    return count, None


def _entries() -> Iterator[LedgerEntry]:
    return LedgerEntry.objects.order_by("seq").iterator(chunk_size=5000)
