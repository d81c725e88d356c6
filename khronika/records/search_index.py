"""Full-text search over encrypted titles, narratives and act details, from memory only.

The database holds these fields as ciphertext, so it cannot search them; a database text index would
store their words in clear (threat model 1). Instead each process builds an SQLite FTS5 index in its
own memory when the vault is unsealed, keeps it current from the ledger (every create, update and
delete of an incident or act is ledgered, whichever process made it), and drops it when the vault
seals. SQLite's in-memory database never touches the disk (``temp_store=MEMORY``), and FTS5 is a
well-kept full-text engine that already ships with Python.

The FTS5 table is contentless (``content=''``): it keeps the words' postings, not a second copy of
every decrypted text, and inserting into it is faster, which matters for the build at unseal
(benchmarks/vault_overhead.py). It keeps no word positions either (``detail=none``): searches never
ask for phrases, and without positions a common word is looked up in about half the time. It keeps
an index of first letters (``prefix='1'``): a code such as «I-ZKG8UJF» asks for the words beginning
with «i», which without it meant merging the postings of thousands of words (about 100 ms).

A contentless table cannot delete a row without its old text, so a changed or deleted incident's row
is left behind as a tombstone: its rowid is forgotten in ``_ids`` (which every answer goes through)
and never reused, and the next build (at the next unseal) drops
it. Until then its words stay in this process's memory, as FTS5's own delete markers left them
before: only an attacker who can read that memory could see them, and he can read the keys too.

Beside the words, the index keeps a few plain columns of each incident (compartment, list order,
place, region, act types): columns the database holds in clear already, never decrypted text. With
them a text search is filtered by compartment, counted, ordered and paged here, and only the ~25 ids
of one page go to the database: a common word matches most incidents, and sending all their ids to be
intersected there cost more than the search (benchmarks/records_pages.py). They are kept current
exactly as the words are (ledger and ``updated_at``), and the list fetches a page's rows through
``visible()`` again, so a stale index could only leave a row out, never show one of another
compartment.

Russian words are matched by prefix after dropping one final vowel or soft sign, so «Махачкала» finds
«в Махачкале»; this crude stemming is deliberate until linkage brings a morphological analyser.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Max, QuerySet

from khronika.ledger.models import LedgerEntry
from khronika.records.models import Act, Incident
from khronika.vault import state

# Letters and digits: FTS5's tokenizer splits words at "_", which Python counts in \w.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CYRILLIC_ENDING = re.compile(r"(?<=[а-я]{4})[аеиоуыэюяйь]$")
_WATCHED_TYPES = ("records.incident", "records.act")
_BATCH = 2000
# The only columns the index reads: the ids, the sensitive text and what decrypting it needs. Loading
# every column (dates, times, foreign keys) of 100,000 incidents at unseal costs seconds.
_INCIDENT_COLUMNS = (
    *("id", "title", "narrative", "vault_id", "vault_key", "vault_data"),
    *("compartment_id", "date_start", "reference", "place_id", "region_id"),
)
_ACT_COLUMNS = ("id", "incident_id", "act_type_id", "description", "vault_id", "vault_key", "vault_data")
# The list's order (``Incident.Meta.ordering``: newest first, then reference) as one integer per incident.
# An undated incident sorts where the database puts NULL in a descending order: last on SQLite, first
# on PostgreSQL, so that a search lists it where the plain list does.
_UNDATED_LAST, _UNDATED_FIRST = -1, 10**8
# Up to how many candidate incidents a search starts from them rather than walking the list's order.
_FEW = 2000


def normalize(text: str) -> str:
    return text.casefold().replace("ё", "е")


def query_terms(text: str) -> list[str]:
    """The FTS5 prefix terms for the words of ``text``: quoted, so user input is never FTS syntax."""
    terms = []
    for word in _WORD.findall(normalize(text)):
        stem = _CYRILLIC_ENDING.sub("", word)
        terms.append('"' + stem.replace('"', "") + '"*')
    return terms


@dataclass(frozen=True)
class WordQuery:
    """One word of a search and what else it may name: places (an incident there or in that region)
    and act types (an incident with such an act). Any of them matches the word."""

    word: str
    places: tuple[int, ...] = ()
    act_types: tuple[int, ...] = ()


def _marks(values: Collection[Any]) -> str:
    return ", ".join("?" * len(values))


class Matches:
    """The incidents of one search in list order, as the index's rowids; ``Paginator`` pages it like a
    list, and only the page asked for becomes incident ids. ``capped``: more incidents match than
    these (the search stopped at its ``limit``).

    Rowids are never reused (see ``SearchIndex``), so a page read after the index changed can only miss
    an incident, never name another.
    """

    def __init__(self, index: SearchIndex, rowids: list[int], limit: int | None = None) -> None:
        self._index = index
        self.capped = limit is not None and len(rowids) > limit
        self._rowids = rowids[:limit] if self.capped else rowids

    def count(self) -> int:
        return len(self._rowids)

    def __len__(self) -> int:
        return len(self._rowids)

    def __getitem__(self, key: slice) -> list[uuid.UUID]:
        if not isinstance(key, slice):
            raise TypeError("Matches are read one page (a slice) at a time.")
        return self._index._incident_ids(self._rowids[key])


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
        # Never reset, not even by a rebuild: a rowid always names the same incident or none.
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
            self._generation = -1

    def matching(self, word: str) -> list[uuid.UUID]:
        """Ids of the incidents whose sensitive text contains every word of ``word`` (by prefix)."""
        with self._lock:
            db = self._current()
            expression = self._match_expression(db, word)
            if expression is None:
                return []
            rows = db.execute("SELECT rowid FROM docs WHERE docs MATCH ?", [expression]).fetchall()
            return [self._ids[rowid] for (rowid,) in rows if rowid in self._ids]

    def search(
        self,
        words: Sequence[WordQuery],
        codes: Collection[uuid.UUID],
        compartments: Collection[int],
        limit: int,
    ) -> Matches | None:
        """The first ``limit`` incidents of ``compartments`` that match every word of ``words``, or are
        among ``codes`` (found by reference or pseudonym), in list order, and whether more match. None
        when a code names an incident this index does not hold yet: the caller then asks the database.

        ``compartments`` must be the user's (``khronika.accounts.access.compartment_ids``): this is
        where the search keeps to need-to-know (threat model 3).
        """
        with self._lock:
            db = self._current()
            code_rowids = [self._rowids.get(incident_id) for incident_id in codes]
            if None in code_rowids:
                return None
            if not compartments:
                return Matches(self, [])
            expressions = [self._match_expression(db, word.word) for word in words]
            few = self._few_candidates(db, words, expressions)
            # Two plans for the same answer. With a word that few incidents can match, the database
            # starts from those incidents and sorts them. Otherwise one pass in list order along
            # ``meta_order`` (which holds every column read here) stops one match past ``limit``:
            # sorting 60,000 matches took longer than the search. The "+" keeps SQLite from starting
            # from the matches there.
            rowid = "m.rowid" if few is not None else "+m.rowid"
            params: list[Any] = list(compartments)
            if few is not None:
                params.append(json.dumps(sorted(few)))
            conditions = []
            for word, expression in zip(words, expressions, strict=True):
                either = []
                if expression:
                    either.append(f"{rowid} IN (SELECT rowid FROM docs WHERE docs MATCH ?)")  # noqa: S608
                    params.append(expression)
                if word.places:
                    either.append(
                        f"m.place IN ({_marks(word.places)}) OR m.region IN ({_marks(word.places)})"
                    )
                    params.extend([*word.places, *word.places])
                if word.act_types:
                    marks = _marks(word.act_types)
                    either.append(f"{rowid} IN (SELECT doc FROM acts WHERE act_type IN ({marks}))")  # noqa: S608
                    params.extend(word.act_types)
                conditions.append("(" + (" OR ".join(either) or "0") + ")")
            text = " AND ".join(conditions) or "0"
            if few is not None:
                text = f"m.rowid IN (SELECT value FROM json_each(?)) AND {text}"  # noqa: S608
            if code_rowids:
                text = f"({text}) OR {rowid} IN ({_marks(code_rowids)})"
                params.extend(code_rowids)
            # Only placeholders and our own table names are spliced in; every value is a bound parameter.
            where = f"m.compartment IN ({_marks(compartments)}) AND ({text})"
            order = "ORDER BY m.date_key DESC, m.reference LIMIT ?"
            table = "meta m" if few is not None else "meta m INDEXED BY meta_order"
            sql = f"SELECT m.rowid FROM {table} WHERE {where} {order}"  # noqa: S608
            return Matches(self, [rowid for (rowid,) in db.execute(sql, [*params, limit + 1])], limit)

    def _few_candidates(
        self, db: sqlite3.Connection, words: Sequence[WordQuery], expressions: Sequence[str | None]
    ) -> set[int] | None:
        """Every incident the first word that can match at most ``_FEW`` incidents matches (by its
        text, places or act types), or None when each word can match more. Each look-up stops one
        row past ``_FEW``, so a common word costs little here."""
        for word, expression in zip(words, expressions, strict=True):
            found: set[int] = set()
            lookups: list[tuple[str, list[Any]]] = []
            if expression:
                lookups.append(("SELECT rowid FROM docs WHERE docs MATCH ?", [expression]))
            if word.places:
                marks = _marks(word.places)
                lookups.append((f"SELECT rowid FROM meta WHERE place IN ({marks})", [*word.places]))  # noqa: S608
                lookups.append((f"SELECT rowid FROM meta WHERE region IN ({marks})", [*word.places]))  # noqa: S608
            if word.act_types:
                marks = _marks(word.act_types)
                lookups.append((f"SELECT doc FROM acts WHERE act_type IN ({marks})", [*word.act_types]))  # noqa: S608
            for sql, params in lookups:
                found.update(rowid for (rowid,) in db.execute(f"{sql} LIMIT ?", [*params, _FEW + 1]))
                if len(found) > _FEW:
                    break
            else:
                return found
        return None

    def _incident_ids(self, rowids: list[int]) -> list[uuid.UUID]:
        with self._lock:
            return [self._ids[rowid] for rowid in rowids if rowid in self._ids]

    def _match_expression(self, db: sqlite3.Connection, word: str) -> str | None:
        """The FTS5 query for ``word``, or None when it has no words FTS5 can look up.

        A quoted term that FTS5 splits into several tokens (its Unicode tables differ from Python's for a
        few characters) is a phrase, which an index without positions cannot answer: such a word is then
        found by its coded names only.
        """
        terms = query_terms(word)
        if not terms:
            return None
        expression = " AND ".join(terms)
        try:
            # Parsed in full, looks up nothing (rowid 0 is never given).
            db.execute("SELECT count(*) FROM docs WHERE docs MATCH ? AND rowid = 0", [expression])
        except sqlite3.OperationalError:
            return None
        return expression

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
            "CREATE VIRTUAL TABLE docs USING fts5(body, content='', tokenize='unicode61 remove_diacritics 2',"
            " detail=none, columnsize=0, prefix='1')"
        )
        # The plain columns a search filters and orders by (see the module's docstring); no text.
        db.execute(
            "CREATE TABLE meta(rowid INTEGER PRIMARY KEY, compartment INTEGER NOT NULL,"
            " date_key INTEGER NOT NULL, reference TEXT NOT NULL, place INTEGER, region INTEGER)"
        )
        db.execute("CREATE INDEX meta_order ON meta(date_key DESC, reference, compartment, place, region)")
        db.execute("CREATE INDEX meta_place ON meta(place)")
        db.execute("CREATE INDEX meta_region ON meta(region)")
        db.execute("CREATE TABLE acts(doc INTEGER NOT NULL, act_type INTEGER NOT NULL)")
        db.execute("CREATE INDEX acts_type ON acts(act_type, doc)")
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
                self._db.execute("DELETE FROM meta WHERE rowid = ?", [rowid])
                self._db.execute("DELETE FROM acts WHERE doc = ?", [rowid])
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
        act_types: dict[uuid.UUID, set[int]] = {}
        for act in Act.objects.filter(incident__in=[i.id for i in incidents]).only(*_ACT_COLUMNS):
            act_types.setdefault(act.incident_id, set()).add(act.act_type_id)
            if act.description:
                details.setdefault(act.incident_id, []).append(act.description)
        assert self._db is not None
        undated = _UNDATED_FIRST if connection.vendor == "postgresql" else _UNDATED_LAST
        rows: list[tuple[int, str]] = []
        plain: list[tuple[int, int, int, str, int | None, int | None]] = []
        acts: list[tuple[int, int]] = []
        for incident in incidents:
            rowid = self._next_rowid
            self._next_rowid += 1
            body = "\n".join([incident.title, incident.narrative, *details.get(incident.id, [])])
            rows.append((rowid, normalize(body)))
            date_key = incident.date_start.toordinal() if incident.date_start else undated
            plain.append(
                (
                    rowid,
                    incident.compartment_id,
                    date_key,
                    incident.reference,
                    incident.place_id,
                    incident.region_id,
                )
            )
            acts.extend((rowid, act_type) for act_type in act_types.get(incident.id, ()))
            self._rowids[incident.id] = rowid
            self._ids[rowid] = incident.id
        self._db.executemany("INSERT INTO docs(rowid, body) VALUES (?, ?)", rows)
        self._db.executemany("INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?)", plain)
        self._db.executemany("INSERT INTO acts VALUES (?, ?)", acts)


# One per process, like the keys it is built from (khronika.vault.state).
INDEX = SearchIndex()
