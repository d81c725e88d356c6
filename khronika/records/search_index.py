"""Full-text search over encrypted titles, narratives and act details, from memory only.

The database holds these fields as ciphertext, so it cannot search them; a database text index would
store their words in clear (threat model 1). Instead each process builds an SQLite FTS5 index in its
own memory when the vault is unsealed, keeps it current from the ledger (every create, update and
delete of an incident or act is ledgered, whichever process made it), and drops it when the vault
seals. SQLite's in-memory database never touches the disk (``temp_store=MEMORY``), and FTS5 is a
well-kept full-text engine that already ships with Python.

The FTS5 table is contentless (``content=''``): it keeps the words' postings, not a second copy of
every decrypted text, and inserting into it is faster, which matters for the build at unseal
(benchmarks/vault_overhead.py). A contentless table cannot delete a row without its old text, so a
changed or deleted incident's row is left behind as a tombstone: its rowid is forgotten in ``_ids``
(which every answer goes through) and never reused, and the next build (at the next unseal) drops
it. Until then its words stay in this process's memory, as FTS5's own delete markers left them
before: only an attacker who can read that memory could see them, and he can read the keys too.

Russian words are matched by prefix after dropping one final vowel or soft sign, so «Махачкала» finds
«в Махачкале»; this crude stemming is deliberate until linkage brings a morphological analyser.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import uuid
from datetime import datetime

from django.db.models import Max, QuerySet

from khronika.ledger.models import LedgerEntry
from khronika.records.models import Act, Incident
from khronika.vault import state

_WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC_ENDING = re.compile(r"(?<=[а-я]{4})[аеиоуыэюяйь]$")
_WATCHED_TYPES = ("records.incident", "records.act")
_BATCH = 2000
# The only columns the index reads: the ids, the sensitive text and what decrypting it needs. Loading
# every column (dates, times, foreign keys) of 100,000 incidents at unseal costs seconds.
_INCIDENT_COLUMNS = ("id", "title", "narrative", "vault_id", "vault_key")
_ACT_COLUMNS = ("id", "incident_id", "description", "vault_id", "vault_key")


def normalize(text: str) -> str:
    return text.casefold().replace("ё", "е")


def query_terms(text: str) -> list[str]:
    """The FTS5 prefix terms for the words of ``text``: quoted, so user input is never FTS syntax."""
    terms = []
    for word in _WORD.findall(normalize(text)):
        stem = _CYRILLIC_ENDING.sub("", word)
        terms.append('"' + stem.replace('"', "") + '"*')
    return terms


class SearchIndex:
    """One process's in-memory index; every method is safe to call from any thread."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self._rowids: dict[uuid.UUID, int] = {}
        self._ids: dict[int, uuid.UUID] = {}
        self._ledger_seq = 0
        self._ledger_hash = ""
        self._last_update: datetime | None = None
        self._next_rowid = 1
        self._generation = -1

    def clear(self) -> None:
        """Forget everything (the vault sealed)."""
        with self._lock:
            if self._db is not None:
                self._db.close()
            self._db = None
            self._rowids.clear()
            self._ids.clear()
            self._ledger_seq = 0
            self._ledger_hash = ""
            self._last_update = None
            self._next_rowid = 1
            self._generation = -1

    def matching(self, word: str) -> list[uuid.UUID]:
        """Ids of the incidents whose sensitive text contains every word of ``word`` (by prefix)."""
        terms = query_terms(word)
        if not terms:
            return []
        with self._lock:
            db = self._current()
            rows = db.execute("SELECT rowid FROM docs WHERE docs MATCH ?", [" AND ".join(terms)]).fetchall()
            return [self._ids[rowid] for (rowid,) in rows if rowid in self._ids]

    def _current(self) -> sqlite3.Connection:
        """The index, built on first use after an unseal and brought up to date from the ledger."""
        last_seq = LedgerEntry.objects.aggregate(last=Max("seq"))["last"] or 0
        if self._db is None or self._generation != state.generation() or not self._same_ledger():
            self._build()  # first use, a new unseal, or another ledger (a restored backup)
            return self._db  # type: ignore[return-value]  # _build sets it
        last_update = Incident.objects.aggregate(last=Max("updated_at"))["last"]
        if last_seq > self._ledger_seq or (last_update and last_update != self._last_update):
            self._catch_up(last_seq)
        if Incident.objects.count() != len(self._rowids):
            self._build()  # rows removed without a ledger entry (only tests and raw SQL do that)
        assert self._db is not None
        return self._db

    def _same_ledger(self) -> bool:
        """Whether the entry the index was last brought up to still stands where it stood."""
        if not self._ledger_seq:
            return True
        return LedgerEntry.objects.filter(seq=self._ledger_seq, entry_hash=self._ledger_hash).exists()

    def _remember(self, seq: int) -> None:
        self._ledger_seq = seq
        self._ledger_hash = (
            LedgerEntry.objects.filter(seq=seq).values_list("entry_hash", flat=True).first() or ""
        )

    def _build(self) -> None:
        self.clear()
        state.keys()  # VaultSealed here rather than half an index
        generation = state.generation()
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.execute("PRAGMA temp_store=MEMORY")
        db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(body, content='', tokenize='unicode61 remove_diacritics 2')"
        )
        self._db = db
        self._remember(LedgerEntry.objects.aggregate(last=Max("seq"))["last"] or 0)
        self._last_update = Incident.objects.aggregate(last=Max("updated_at"))["last"]
        self._index(Incident.objects.order_by())
        db.commit()
        self._generation = generation

    def _catch_up(self, last_seq: int) -> None:
        changed = list(
            LedgerEntry.objects.filter(
                seq__gt=self._ledger_seq, seq__lte=last_seq, object_type__in=_WATCHED_TYPES
            )
            .exclude(action="view")
            .values_list("seq", "object_type", "object_id")
        )
        incident_ids = {uuid.UUID(oid) for _, kind, oid in changed if kind == "records.incident"}
        if self._last_update is not None:
            # Writes that reached the database without a ledger entry still reach the index.
            touched = Incident.objects.filter(updated_at__gte=self._last_update).values_list("id", flat=True)
            incident_ids |= set(touched)
        else:
            incident_ids |= set(Incident.objects.values_list("id", flat=True))
        self._last_update = Incident.objects.aggregate(last=Max("updated_at"))["last"]
        act_ids = [oid for _, kind, oid in changed if kind == "records.act"]
        incident_ids |= set(Act.objects.filter(id__in=act_ids).values_list("incident_id", flat=True))
        assert self._db is not None
        for incident_id in incident_ids:
            rowid = self._rowids.pop(incident_id, None)
            if rowid is not None:
                del self._ids[rowid]  # a tombstone: the contentless table keeps the row, no answer shows it
        self._index(Incident.objects.filter(id__in=incident_ids))
        self._db.commit()
        self._remember(last_seq)

    def _index(self, incidents: QuerySet[Incident]) -> None:
        assert self._db is not None
        batch: list[Incident] = []
        for incident in incidents.only(*_INCIDENT_COLUMNS).iterator(chunk_size=_BATCH):
            batch.append(incident)
            if len(batch) == _BATCH:
                self._add(batch)
                batch = []
        self._add(batch)

    def _add(self, incidents: list[Incident]) -> None:
        if not incidents:
            return
        details: dict[uuid.UUID, list[str]] = {}
        acts = Act.objects.filter(incident__in=[i.id for i in incidents]).exclude(description="")
        for act in acts.only(*_ACT_COLUMNS):
            details.setdefault(act.incident_id, []).append(act.description)
        assert self._db is not None
        rows = []
        for incident in incidents:
            rowid = self._next_rowid
            self._next_rowid += 1
            body = "\n".join([incident.title, incident.narrative, *details.get(incident.id, [])])
            rows.append((rowid, normalize(body)))
            self._rowids[incident.id] = rowid
            self._ids[rowid] = incident.id
        self._db.executemany("INSERT INTO docs(rowid, body) VALUES (?, ?)", rows)


# One per process, like the keys it is built from (khronika.vault.state).
INDEX = SearchIndex()
