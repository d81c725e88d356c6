"""Reading an export back: validate every line first, then write everything in one transaction.

Two passes over the file keep memory flat for 100,000 incidents and guarantee all-or-nothing: the first
pass checks the framing (header, footer, counts, checksum), every line against the JSON Schema, and every
reference; only a file with no problem at all reaches the second pass, which writes.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import json
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, TypeVar, cast

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from jsonschema import Draft202012Validator

from khronika.accounts.models import Compartment, User
from khronika.ledger.services import Event, record_events
from khronika.records.blind_indexes import index_persons
from khronika.records.exchange.encryption import MAGIC as ENCRYPTED_MAGIC
from khronika.records.exchange.encryption import ExportDecryption, ExportKeyError, read_header
from khronika.records.exchange.format import FORMAT_NAME, FORMAT_VERSION, RECORD_TYPES, RunningDigest, schema
from khronika.records.models import (
    Act,
    Consent,
    CustodyEntry,
    Evidence,
    Incident,
    Information,
    Organisation,
    Person,
    Place,
    Source,
    Term,
    Vocabulary,
)
from khronika.vault.crypto import TamperedCiphertext
from khronika.vault.streams import decrypting_reader

MAX_LINE_BYTES = 64 * 1024 * 1024
MAX_ERRORS = 50
BATCH = 2000


class ImportRefused(Exception):
    """The file was not imported; ``problems`` says why, line by line. Nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class _Check:
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    ids: dict[str, set[str]] = field(default_factory=dict)
    terms: set[tuple[str, str]] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    compartments: set[str] = field(default_factory=set)

    def problem(self, line_no: int, message: str) -> None:
        if len(self.problems) < MAX_ERRORS:
            self.problems.append(f"Line {line_no}: {message}")


_TAMPERED = (
    "The encrypted export is damaged, cut short or was altered after it was written, so it cannot be "
    "trusted. Ask the sender for a new copy."
)


def _open(path: Path, decryption: ExportDecryption | None = None) -> IO[bytes]:
    with path.open("rb") as probe:
        magic = probe.read(len(ENCRYPTED_MAGIC))
    if magic == ENCRYPTED_MAGIC:
        if decryption is None:
            raise ImportRefused(
                ["This export is encrypted: give its passphrase or the recipient's private key."]
            )
        raw = path.open("rb")
        try:
            read_header(raw)
            clear = decrypting_reader(raw, decryption.file_key, ad=decryption.header)
        except BaseException:
            raw.close()
            raise
        return cast(IO[bytes], gzip.GzipFile(fileobj=clear, mode="rb"))
    if magic[:2] == b"\x1f\x8b":
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def _lines(path: Path, decryption: ExportDecryption | None = None) -> Iterator[tuple[int, bytes]]:
    """Numbered raw lines, refusing overlong lines and files over the size limit (decompressed).

    Lines of an encrypted export are authenticated chunk by chunk as they are read; damage, a cut or
    an addition anywhere raises ImportRefused, and the first pass reads everything before anything is
    written (threat: a doctored export slipping records into the database)."""
    try:
        yield from _raw_lines(path, decryption)
    except (TamperedCiphertext, ExportKeyError):
        raise ImportRefused([_TAMPERED]) from None
    except (gzip.BadGzipFile, EOFError, zlib.error):
        raise ImportRefused(["The file is not a complete gzip-compressed export: it is damaged."]) from None


def _raw_lines(path: Path, decryption: ExportDecryption | None) -> Iterator[tuple[int, bytes]]:
    total = 0
    with _open(path, decryption) as handle:
        line_no = 0
        while True:
            line = handle.readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            line_no += 1
            total += len(line)
            if len(line) > MAX_LINE_BYTES:
                raise ImportRefused(
                    [
                        f"Line {line_no} is longer than {MAX_LINE_BYTES // 2**20} MiB: "
                        "this is not a Khronika export."
                    ]
                )
            if total > settings.IMPORT_MAX_BYTES_DATABASE:
                raise ImportRefused(
                    [
                        "The file is larger than the limit of "
                        f"{settings.IMPORT_MAX_BYTES_DATABASE // 2**20} MiB "
                        "(KHRONIKA_IMPORT_MAX_BYTES_DATABASE)."
                    ]
                )
            yield line_no, line


def _decode(line_no: int, line: bytes, check: _Check) -> dict[str, Any] | None:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        check.problem(line_no, "this is not UTF-8 text. Export files are always UTF-8.")
        return None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        check.problem(line_no, f"this is not valid JSON ({error.msg} at character {error.colno}).")
        return None
    if not isinstance(record, dict) or not isinstance(record.get("type"), str):
        check.problem(line_no, 'each line must be a JSON object with a "type".')
        return None
    return record


_VALIDATORS: dict[str, Draft202012Validator] = {}


def _validator(record_type: str) -> Draft202012Validator | None:
    definitions = schema()["$defs"]
    if record_type not in definitions:
        return None
    if record_type not in _VALIDATORS:
        _VALIDATORS[record_type] = Draft202012Validator({**definitions[record_type], "$defs": definitions})
    return _VALIDATORS[record_type]


def validate_file(path: Path, decryption: ExportDecryption | None = None) -> _Check:
    """First pass: everything that can be wrong with the file, without writing anything."""
    check = _Check()
    check.terms = {(v, c) for v, c in Term.objects.values_list("vocabulary__code", "code")}
    check.places = set(Place.objects.values_list("code", flat=True))
    check.compartments = set(Compartment.objects.values_list("name", flat=True))
    existing: dict[str, type[models.Model]] = {
        "person": Person,
        "organisation": Organisation,
        "source": Source,
        "incident": Incident,
        "act": Act,
        "information": Information,
        "evidence": Evidence,
    }
    digest = RunningDigest()
    footer: dict[str, Any] | None = None
    last_line = 0
    order = -1
    for line_no, line in _lines(path, decryption):
        last_line = line_no
        if footer is not None:
            check.problem(line_no, "there is more after the footer line. The file was altered.")
            break
        record = _decode(line_no, line, check)
        if record is None:
            digest.update(line)
            continue
        kind = record["type"]
        if line_no == 1:
            if kind != "header" or record.get("format") != FORMAT_NAME:
                check.problem(1, "this is not a Khronika export (the first line must be its header).")
                break
            if record.get("version") != FORMAT_VERSION:
                check.problem(
                    1,
                    f"this export has format version {record.get('version')}; "
                    f"this Khronika reads version {FORMAT_VERSION}.",
                )
                break
        if kind == "footer":
            footer = record
            _check_schema(line_no, record, check)
            continue
        digest.update(line)
        if kind == "header":
            if line_no != 1:
                check.problem(line_no, "a header line can only be the first line.")
            _check_schema(line_no, record, check)
            continue
        if kind not in RECORD_TYPES:
            check.problem(line_no, f"unknown record type {kind!r}.")
            continue
        position = RECORD_TYPES.index(kind)
        if position < order:
            check.problem(line_no, f"a {kind} record cannot come after {RECORD_TYPES[order]} records.")
        order = max(order, position)
        if not _check_schema(line_no, record, check):
            continue
        check.counts[kind] = check.counts.get(kind, 0) + 1
        _check_references(line_no, record, check)
        if kind in existing:
            record_id = record["id"]
            seen = check.ids.setdefault(kind, set())
            if record_id in seen:
                check.problem(line_no, f"the {kind} {record_id} appears twice.")
            seen.add(record_id)
    if footer is None:
        check.problems.append(
            f"The file ends at line {last_line} without its footer line: "
            "it was cut off (truncated) or is not a complete export."
        )
    else:
        if footer.get("counts") != check.counts and not check.problems:
            check.problems.append(
                "The footer's record counts do not match the file: records were added or removed."
            )
        if footer.get("sha256") != digest.hexdigest() and not check.problems:
            check.problems.append("The footer's checksum does not match the file: its content was altered.")
    if not check.problems:
        for kind, model in existing.items():
            ids = check.ids.get(kind, set())
            for chunk in _chunks(sorted(ids), 500):
                clash = model._default_manager.filter(id__in=chunk).values_list("id", flat=True).first()
                if clash is not None:
                    check.problems.append(
                        f"The {kind} {clash} already exists in this instance. Import into an empty instance."
                    )
                    break
    return check


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _check_schema(line_no: int, record: dict[str, Any], check: _Check) -> bool:
    validator = _validator(record["type"])
    if validator is None:
        check.problem(line_no, f"unknown record type {record['type']!r}.")
        return False
    error = next(iter(sorted(validator.iter_errors(record), key=lambda e: list(e.path))), None)
    if error is None:
        return True
    where = ".".join(str(p) for p in error.path) or "the record"
    check.problem(line_no, f"{record['type']} field {where}: {error.message}")
    return False


_TERM_FIELDS = {
    "organisation": [("perpetrator_type", "perpetrator_type")],
    "person": [("gender", "gender"), ("age_band", "age_band")],
    "source": [("source_type", "source_type")],
    "act": [
        ("act_type", "act_type"),
        ("perpetrator_type", "perpetrator_type"),
        ("legal_article", "legal_article"),
        ("discovery_method", "discovery_method"),
    ],
}
_PLACE_FIELDS = {
    "organisation": ["place"],
    "person": ["citizenship", "region"],
    "incident": ["place"],
    "place": ["parent"],
}
_ID_FIELDS = {
    "organisation": [("parent", "organisation")],
    "consent": [("person", "person")],
    "act": [
        ("incident", "incident"),
        ("victim", "person"),
        ("perpetrator_unit", "organisation"),
        ("perpetrator_person", "person"),
    ],
    "information": [("source", "source"), ("incident", "incident"), ("act", "act")],
    "evidence": [("incident", "incident")],
    "custody": [("evidence", "evidence")],
}


def _check_references(line_no: int, record: dict[str, Any], check: _Check) -> None:
    kind = record["type"]
    if kind == "term":
        if record["parent"] and (record["vocabulary"], record["parent"]) not in check.terms:
            check.problem(line_no, f"the broader term {record['parent']!r} is not defined before it.")
        check.terms.add((record["vocabulary"], record["code"]))
    elif kind == "place":
        check.places.add(record["code"])
    elif kind == "compartment":
        check.compartments.add(record["name"])
    for name, vocabulary in _TERM_FIELDS.get(kind, []):
        if record[name] and (vocabulary, record[name]) not in check.terms:
            check.problem(line_no, f"{name} {record[name]!r} is not a term of the {vocabulary} vocabulary.")
    for name in _PLACE_FIELDS.get(kind, []):
        if record[name] and record[name] not in check.places:
            check.problem(line_no, f"{name} {record[name]!r} is not a known place code.")
    if "compartment" in record and kind != "compartment" and record["compartment"] not in check.compartments:
        check.problem(line_no, f"compartment {record['compartment']!r} is not defined before it.")
    for name, target in _ID_FIELDS.get(kind, []):
        if record[name] and record[name] not in check.ids.get(target, set()):
            check.problem(
                line_no, f"{name} {record[name]} refers to a {target} that is not earlier in the file."
            )
    if kind == "evidence":
        try:
            content = base64.b64decode(record["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            check.problem(line_no, "the file content is not valid base64.")
            return
        if hashlib.sha256(content).hexdigest() != record["sha256"]:
            check.problem(
                line_no, "the file content does not match its SHA-256 taken on arrival: it was altered."
            )


@dataclass(frozen=True)
class ImportSummary:
    counts: dict[str, int]


def import_file(
    path: Path,
    actor: Any = None,
    progress: Callable[[int], None] | None = None,
    decryption: ExportDecryption | None = None,
) -> ImportSummary:
    """Validate ``path``, then write all of it, or nothing. Raises ImportRefused with the problems."""
    check = validate_file(path, decryption)
    if check.problems:
        raise ImportRefused(check.problems)
    writer = _Writer(actor)
    try:
        with transaction.atomic():
            for _line_no, line in _lines(path, decryption):
                record = json.loads(line)
                if record["type"] not in ("header", "footer"):
                    writer.add(record)
                    if progress:
                        progress(1)
            writer.flush_all()
    except BaseException:
        for name in writer.saved_files:  # the rows were rolled back; their files must go too
            default_storage.delete(name)
        raise
    return ImportSummary(check.counts)


T = TypeVar("T")


def _required(value: T | None) -> T:
    """A value the schema requires; the check pass has already refused any file without it."""
    if value is None:
        raise ValueError("a required value is missing from a record that passed the check")
    return value


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _datetime(value: str) -> datetime:
    return datetime.fromisoformat(value)


class _Writer:
    """Turns records into model rows, in batches, and ledgers every created object."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.pending: dict[type[Any], list[Any]] = {}
        self.events: list[Event] = []
        self.terms = {(t.vocabulary.code, t.code): t.id for t in Term.objects.select_related("vocabulary")}
        self.places = dict(Place.objects.values_list("code", "id"))
        self.compartments = dict(Compartment.objects.values_list("name", "id"))
        self.users = dict(User.objects.values_list("username", "id"))
        self.current: type[Any] | None = None
        self.regions: dict[int, int | None] = {}
        self.saved_files: list[str] = []

    def term(self, vocabulary: str, code: str | None) -> int | None:
        return self.terms[(vocabulary, code)] if code else None

    def place(self, code: str | None) -> int | None:
        return self.places[code] if code else None

    def add(self, record: dict[str, Any]) -> None:
        kind = record["type"]
        handler = getattr(self, f"_{kind}")
        handler(record)

    def _queue(self, obj: Any) -> None:
        model = type(obj)
        if self.current is not None and model is not self.current:
            self.flush_all()  # keep dependency order: a type's rows land before the next type's
        self.current = model
        batch = self.pending.setdefault(model, [])
        batch.append(obj)
        if len(batch) >= BATCH:
            self.flush_all()

    def flush_all(self) -> None:
        for model, rows in self.pending.items():
            model._default_manager.bulk_create(rows, batch_size=BATCH)
            if model is Person:
                index_persons(rows)  # bulk_create sends no post_save: keep exact lookups current
            if model not in (Consent, CustodyEntry):
                self.events.extend(Event("import", model._meta.label_lower, str(r.pk)) for r in rows)
        self.pending = {}
        if self.events:
            record_events(self.actor, self.events)
            self.events = []

    # Reference data: created when missing, never changed (the instance's own labels win).
    def _term(self, r: dict[str, Any]) -> None:
        if (r["vocabulary"], r["code"]) in self.terms:
            return
        self.flush_all()
        vocabulary, _ = Vocabulary.objects.get_or_create(
            code=r["vocabulary"], defaults={"label_en": r["vocabulary"], "label_ru": r["vocabulary"]}
        )
        term = Term.objects.create(
            vocabulary=vocabulary,
            code=r["code"],
            parent_id=self.term(r["vocabulary"], r["parent"]),
            label_en=r["label_en"],
            label_ru=r["label_ru"],
            deprecated=r["deprecated"],
            sort_order=10_000 + len(self.terms),
        )
        self.terms[(r["vocabulary"], r["code"])] = term.id

    def _place(self, r: dict[str, Any]) -> None:
        if r["code"] in self.places:
            return
        place = Place.objects.create(
            code=r["code"],
            kind=r["kind"],
            parent_id=self.place(r["parent"]),
            name_ru=r["name_ru"],
            name_en=r["name_en"],
        )
        self.places[r["code"]] = place.id

    def _compartment(self, r: dict[str, Any]) -> None:
        if r["name"] not in self.compartments:
            self.compartments[r["name"]] = Compartment.objects.create(
                name=r["name"], description=r["description"]
            ).id

    def _organisation(self, r: dict[str, Any]) -> None:
        self._queue(
            Organisation(
                id=_uuid(r["id"]),
                name_ru=r["name_ru"],
                name_en=r["name_en"],
                perpetrator_type_id=_required(self.term("perpetrator_type", r["perpetrator_type"])),
                place_id=self.place(r["place"]),
                parent_id=_uuid(r["parent"]),
                notes=r["notes"],
            )
        )

    def _person(self, r: dict[str, Any]) -> None:
        self._queue(
            Person(
                id=_uuid(r["id"]),
                pseudonym=r["pseudonym"],
                compartment_id=self.compartments[r["compartment"]],
                given_name=r["given_name"],
                family_name=r["family_name"],
                patronymic=r["patronymic"],
                name_latin=r["name_latin"],
                aliases=r["aliases"],
                birth_date=r["birth_date"],
                contacts=r["contacts"],
                handles=r["handles"],
                notes=r["notes"],
                gender_id=self.term("gender", r["gender"]),
                age_band_id=self.term("age_band", r["age_band"]),
                citizenship_id=self.place(r["citizenship"]),
                region_id=self.place(r["region"]),
                created_at=_datetime(r["created_at"]),
            )
        )

    def _consent(self, r: dict[str, Any]) -> None:
        self._queue(
            Consent(
                person_id=_required(_uuid(r["person"])),
                scope=r["scope"],
                given_on=_required(_date(r["given_on"])),
                method=r["method"],
                recorded_by_id=self.users.get(r["recorded_by"] or ""),
                withdrawn_on=_date(r["withdrawn_on"]),
            )
        )

    def _source(self, r: dict[str, Any]) -> None:
        self._queue(
            Source(
                id=_uuid(r["id"]),
                reference=r["reference"],
                compartment_id=self.compartments[r["compartment"]],
                source_type_id=_required(self.term("source_type", r["source_type"])),
                name=r["name"],
                contact=r["contact"],
                url=r["url"],
                reliability=r["reliability"],
                language=r["language"],
                created_at=_datetime(r["created_at"]),
            )
        )

    def _incident(self, r: dict[str, Any]) -> None:
        place_id = self.place(r["place"])
        self._queue(
            Incident(
                id=_uuid(r["id"]),
                reference=r["reference"],
                compartment_id=self.compartments[r["compartment"]],
                title=r["title"],
                narrative=r["narrative"],
                date_start=_date(r["date_start"]),
                date_end=_date(r["date_end"]),
                date_precision=r["date_precision"],
                place_id=place_id,
                region_id=self._region_of(place_id),
                status=r["status"],
                confidentiality=r["confidentiality"],
                created_at=_datetime(r["created_at"]),
            )
        )

    def _region_of(self, place_id: int | None) -> int | None:
        if place_id is None:
            return None
        if place_id not in self.regions:
            region = Place.objects.get(id=place_id).region
            self.regions[place_id] = region.id if region else None
        return self.regions[place_id]

    def _act(self, r: dict[str, Any]) -> None:
        self._queue(
            Act(
                id=_uuid(r["id"]),
                incident_id=_required(_uuid(r["incident"])),
                act_type_id=_required(self.term("act_type", r["act_type"])),
                victim_id=_uuid(r["victim"]),
                perpetrator_type_id=self.term("perpetrator_type", r["perpetrator_type"]),
                perpetrator_unit_id=_uuid(r["perpetrator_unit"]),
                perpetrator_person_id=_uuid(r["perpetrator_person"]),
                legal_article_id=self.term("legal_article", r["legal_article"]),
                legal_article_part=r["legal_article_part"],
                discovery_method_id=self.term("discovery_method", r["discovery_method"]),
                days_detained=r["days_detained"],
                fine_rub=r["fine_rub"],
                injured=r["injured"],
                deported=r["deported"],
                description=r["description"],
            )
        )

    def _information(self, r: dict[str, Any]) -> None:
        self._queue(
            Information(
                id=_uuid(r["id"]),
                source_id=_required(_uuid(r["source"])),
                incident_id=_required(_uuid(r["incident"])),
                act_id=_uuid(r["act"]),
                credibility=r["credibility"],
                retrieved_on=_required(_date(r["retrieved_on"])),
                language=r["language"],
                original_text=r["original_text"],
            )
        )

    def _evidence(self, r: dict[str, Any]) -> None:
        self.flush_all()
        evidence = Evidence(
            id=_uuid(r["id"]),
            incident_id=_required(_uuid(r["incident"])),
            original_name=r["original_name"],
            description=r["description"],
            media_type=r["media_type"],
            size=r["size"],
            sha256=r["sha256"],
            received_at=_datetime(r["received_at"]),
        )
        evidence.file.save(str(evidence.id), ContentFile(base64.b64decode(r["content_base64"])), save=False)
        self.saved_files.append(evidence.file.name)
        evidence.save()
        self.events.append(Event("import", "records.evidence", str(evidence.id)))

    def _custody(self, r: dict[str, Any]) -> None:
        self._queue(
            CustodyEntry(
                evidence_id=_required(_uuid(r["evidence"])),
                action=r["action"],
                actor_id=self.users.get(r["actor"] or ""),
                at=_datetime(r["at"]),
            )
        )
