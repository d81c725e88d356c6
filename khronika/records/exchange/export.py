"""Writing the export: every record, streamed in dependency order, with a verifying footer."""

from __future__ import annotations

import base64
import gzip
import os
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, cast

from django.utils import timezone

from khronika.accounts.models import Compartment, User
from khronika.records.exchange.encryption import ExportEncryption
from khronika.records.exchange.format import FORMAT_NAME, FORMAT_VERSION, RunningDigest, encode_line
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
)
from khronika.vault.streams import EncryptingWriter

CHUNK = 2000


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _str(value: Any) -> str | None:
    return str(value) if value is not None else None


class _Codes:
    """Small lookup tables so that records refer to terms, places and compartments by stable code."""

    def __init__(self) -> None:
        # Keyed by optional ids so that a missing foreign key (None) simply looks up None.
        self.term: dict[int | None, str] = {t.id: t.code for t in Term.objects.only("id", "code")}
        self.place: dict[int | None, str] = dict(Place.objects.values_list("id", "code"))
        self.compartment = dict(Compartment.objects.values_list("id", "name"))
        self.user: dict[int | None, str] = dict(User.objects.values_list("id", "username"))


def _terms(codes: _Codes) -> Iterator[dict[str, Any]]:
    for t in Term.objects.select_related("vocabulary").order_by("vocabulary__code", "sort_order"):
        yield {
            "type": "term",
            "vocabulary": t.vocabulary.code,
            "code": t.code,
            "parent": codes.term.get(t.parent_id) if t.parent_id else None,
            "label_en": t.label_en,
            "label_ru": t.label_ru,
            "deprecated": t.deprecated,
        }


def _places(codes: _Codes) -> Iterator[dict[str, Any]]:
    depth = {"country": 0, "region": 1, "city": 2, "town": 2}
    for p in sorted(Place.objects.all(), key=lambda p: (depth.get(p.kind, 3), p.code)):
        yield {
            "type": "place",
            "code": p.code,
            "kind": p.kind,
            "parent": codes.place.get(p.parent_id) if p.parent_id else None,
            "name_ru": p.name_ru,
            "name_en": p.name_en,
        }


def _compartments(codes: _Codes) -> Iterator[dict[str, Any]]:
    for c in Compartment.objects.order_by("name"):
        yield {"type": "compartment", "name": c.name, "description": c.description}


def _organisations(codes: _Codes) -> Iterator[dict[str, Any]]:
    remaining = list(Organisation.objects.all())
    written: set[Any] = set()
    while remaining:  # parents before their units
        ready = [o for o in remaining if o.parent_id is None or o.parent_id in written]
        ready = ready or remaining  # a cycle cannot be saved by the UI; never loop forever
        for o in ready:
            written.add(o.id)
            yield {
                "type": "organisation",
                "id": str(o.id),
                "name_ru": o.name_ru,
                "name_en": o.name_en,
                "perpetrator_type": codes.term[o.perpetrator_type_id],
                "place": codes.place.get(o.place_id),
                "parent": _str(o.parent_id),
                "notes": o.notes,
            }
        remaining = [o for o in remaining if o.id not in written]


def _persons(codes: _Codes) -> Iterator[dict[str, Any]]:
    for p in Person.objects.order_by("created_at", "id").iterator(chunk_size=CHUNK):
        yield {
            "type": "person",
            "id": str(p.id),
            "pseudonym": p.pseudonym,
            "compartment": codes.compartment[p.compartment_id],
            "given_name": p.given_name,
            "family_name": p.family_name,
            "patronymic": p.patronymic,
            "name_latin": p.name_latin,
            "aliases": p.aliases,
            "birth_date": p.birth_date,
            "contacts": p.contacts,
            "handles": p.handles,
            "notes": p.notes,
            "gender": codes.term.get(p.gender_id),
            "age_band": codes.term.get(p.age_band_id),
            "citizenship": codes.place.get(p.citizenship_id),
            "region": codes.place.get(p.region_id),
            "created_at": _iso(p.created_at),
        }


def _consents(codes: _Codes) -> Iterator[dict[str, Any]]:
    for c in Consent.objects.order_by("person_id", "scope", "id").iterator(chunk_size=CHUNK):
        yield {
            "type": "consent",
            "person": str(c.person_id),
            "scope": c.scope,
            "given_on": _iso(c.given_on),
            "method": c.method,
            "recorded_by": codes.user.get(c.recorded_by_id),
            "withdrawn_on": _iso(c.withdrawn_on),
        }


def _sources(codes: _Codes) -> Iterator[dict[str, Any]]:
    for s in Source.objects.order_by("created_at", "id").iterator(chunk_size=CHUNK):
        yield {
            "type": "source",
            "id": str(s.id),
            "reference": s.reference,
            "compartment": codes.compartment[s.compartment_id],
            "source_type": codes.term[s.source_type_id],
            "name": s.name,
            "contact": s.contact,
            "url": s.url,
            "reliability": s.reliability,
            "language": s.language,
            "created_at": _iso(s.created_at),
        }


def _incidents(codes: _Codes) -> Iterator[dict[str, Any]]:
    for i in Incident.objects.order_by("created_at", "id").iterator(chunk_size=CHUNK):
        yield {
            "type": "incident",
            "id": str(i.id),
            "reference": i.reference,
            "compartment": codes.compartment[i.compartment_id],
            "title": i.title,
            "narrative": i.narrative,
            "date_start": _iso(i.date_start),
            "date_end": _iso(i.date_end),
            "date_precision": i.date_precision,
            "place": codes.place.get(i.place_id),
            "status": i.status,
            "confidentiality": i.confidentiality,
            "created_at": _iso(i.created_at),
        }


def _acts(codes: _Codes) -> Iterator[dict[str, Any]]:
    for a in Act.objects.order_by("incident_id", "id").iterator(chunk_size=CHUNK):
        yield {
            "type": "act",
            "id": str(a.id),
            "incident": str(a.incident_id),
            "act_type": codes.term[a.act_type_id],
            "victim": _str(a.victim_id),
            "perpetrator_type": codes.term.get(a.perpetrator_type_id),
            "perpetrator_unit": _str(a.perpetrator_unit_id),
            "perpetrator_person": _str(a.perpetrator_person_id),
            "legal_article": codes.term.get(a.legal_article_id),
            "legal_article_part": a.legal_article_part,
            "discovery_method": codes.term.get(a.discovery_method_id),
            "days_detained": a.days_detained,
            "fine_rub": a.fine_rub,
            "injured": a.injured,
            "deported": a.deported,
            "description": a.description,
        }


def _information(codes: _Codes) -> Iterator[dict[str, Any]]:
    for i in Information.objects.order_by("incident_id", "id").iterator(chunk_size=CHUNK):
        yield {
            "type": "information",
            "id": str(i.id),
            "source": str(i.source_id),
            "incident": str(i.incident_id),
            "act": _str(i.act_id),
            "credibility": i.credibility,
            "retrieved_on": _iso(i.retrieved_on),
            "language": i.language,
            "original_text": i.original_text,
        }


def _evidence(codes: _Codes) -> Iterator[dict[str, Any]]:
    for e in Evidence.objects.order_by("received_at", "id").iterator(chunk_size=100):
        with e.file.open("rb") as handle:
            content = handle.read()
        yield {
            "type": "evidence",
            "id": str(e.id),
            "incident": str(e.incident_id),
            "original_name": e.original_name,
            "description": e.description,
            "media_type": e.media_type,
            "size": e.size,
            "sha256": e.sha256,
            "received_at": _iso(e.received_at),
            "content_base64": base64.b64encode(content).decode("ascii"),
        }


def _custody(codes: _Codes) -> Iterator[dict[str, Any]]:
    for c in CustodyEntry.objects.order_by("at", "id").iterator(chunk_size=CHUNK):
        yield {
            "type": "custody",
            "evidence": str(c.evidence_id),
            "action": c.action,
            "actor": codes.user.get(c.actor_id),
            "at": _iso(c.at),
        }


SERIALIZERS: list[Callable[[_Codes], Iterator[dict[str, Any]]]] = [
    _terms,
    _places,
    _compartments,
    _organisations,
    _persons,
    _consents,
    _sources,
    _incidents,
    _acts,
    _information,
    _evidence,
    _custody,
]


def count_records() -> int:
    """How many lines the export will have between header and footer (for a progress bar)."""
    models = [
        Term,
        Place,
        Compartment,
        Organisation,
        Person,
        Consent,
        Source,
        Incident,
        Act,
        Information,
        Evidence,
        CustodyEntry,
    ]
    return sum(m._default_manager.count() for m in models)


def write_export(out: IO[bytes], progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Stream every record to ``out``; returns the count of each record type."""
    digest = RunningDigest()
    counts: dict[str, int] = {}

    def emit(record: dict[str, Any]) -> None:
        line = encode_line(record)
        digest.update(line)
        out.write(line)

    emit(
        {
            "type": "header",
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "exported_at": timezone.now().isoformat(),
        }
    )
    codes = _Codes()
    pending = 0
    for serializer in SERIALIZERS:
        for record in serializer(codes):
            emit(record)
            counts[record["type"]] = counts.get(record["type"], 0) + 1
            pending += 1
            if progress and pending == 1000:
                progress(pending)
                pending = 0
    if progress and pending:
        progress(pending)
    out.write(encode_line({"type": "footer", "counts": counts, "sha256": digest.hexdigest()}))
    return counts


def export_to_path(
    path: Path,
    progress: Callable[[int], None] | None = None,
    encryption: ExportEncryption | None = None,
) -> dict[str, int]:
    """Write to ``path``. Encrypted (always gzip'd inside) when ``encryption`` is given, otherwise
    gzip-compressed when it ends in ``.gz``. A partial file is removed on failure."""
    partial = path.with_name(path.name + ".partial")
    try:
        # 0600 from the first byte: a plain-text export is the whole database in clear.
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as raw:
            if encryption is not None:
                encryption.write_preamble(raw)
                with (
                    EncryptingWriter(raw, encryption.file_key, ad=encryption.header) as sealed,
                    gzip.GzipFile(fileobj=sealed, mode="wb") as compressed,
                ):
                    counts = write_export(cast(IO[bytes], compressed), progress)
            elif path.suffix == ".gz":
                with gzip.GzipFile(fileobj=raw, mode="wb") as compressed:
                    counts = write_export(cast(IO[bytes], compressed), progress)
            else:
                counts = write_export(raw, progress)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return counts
