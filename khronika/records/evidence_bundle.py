"""Evidence bundles for courts and UN bodies: files, hashes, custody, and a signed ledger proof.

A bundle is a folder (or a zip of one) that a third party can check without trusting us or our software:

    manifest.json      incidents, each file's SHA-256 on arrival and at export, its custody record
    files/<id>.<ext>   the evidence files, named by opaque id (an original name may name a person)
    ledger.jsonl       the ledger from the first entry about these records up to a fresh checkpoint
    checkpoint.json    that checkpoint, signed with the instance's Ed25519 key, with its public key
    verify_bundle.py   a standard-library verifier (khronika/ledger/verify_bundle.py, copied verbatim)
    README.txt         how to check it

Threat model 6 (tampering with evidence): the manifest's own SHA-256 is written into the ledger before
the checkpoint is signed, so changing the manifest, a file or a ledger line afterwards is caught. The
bundle holds the ledger entries between the first one about these records and the checkpoint, including
entries about other records: a hash chain can only be checked whole. Those carry opaque ids only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mimetypes
import os
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from khronika.accounts.access import visible
from khronika.accounts.models import User
from khronika.accounts.roles import Capability, has_capability
from khronika.ledger import verify_bundle
from khronika.ledger.checkpoints import create_checkpoint, export_checkpoint
from khronika.ledger.models import LedgerEntry
from khronika.ledger.proof import canonical_json, entry_record, segment_problem
from khronika.ledger.services import Event, record_events
from khronika.records.models import CustodyEntry, Evidence, Incident
from khronika.vault.crypto import TamperedCiphertext

BUNDLE_FORMAT = verify_bundle.BUNDLE_FORMAT
BUNDLE_OBJECT_TYPE = verify_bundle.BUNDLE_OBJECT_TYPE
OPERATOR = "operator (command line)"

README = """Khronika evidence bundle
========================

manifest.json      the incidents, and for each file: its SHA-256 taken when it arrived and again at
                   export, and its custody record (who received, viewed and exported it, and when)
files/             the evidence files, named by their opaque id
ledger.jsonl       an extract of the organisation's tamper-evident ledger (a SHA-256 hash chain)
checkpoint.json    the ledger's head, signed with the organisation's Ed25519 key
verify_bundle.py   checks all of the above with nothing but Python 3's standard library

To check this bundle, run in this folder:

    python3 verify_bundle.py

It prints OK, or each thing that failed. Compare the public key it prints with the key the
organisation published elsewhere (or pass that key with --public-key HEX).
"""


class BundleError(Exception):
    """An export that cannot go ahead; the message says why in plain words, and nothing was written."""


@dataclass
class BundleSummary:
    path: Path
    incidents: int
    files: int
    ledger_entries: int
    checkpoint_seq: int
    # Files whose bytes no longer match the hash taken on arrival: exported as they are, flagged loudly.
    changed_since_arrival: list[str] = field(default_factory=list)


def find_incidents(refs: Sequence[str], user: User | None = None) -> list[Incident]:
    """The incidents named by reference (I-XXXXXXX) or id, in the order given, without repeats.

    With a ``user``, only if their role may export evidence, and only incidents in their compartments:
    any other is reported exactly like one that does not exist (threat model 3).
    """
    incidents = Incident.objects.all()
    if user is not None:
        # A bundle holds files and their original names in clear: it needs both capabilities, so an
        # analyst (export, coded data only) or a documenter (no export) cannot take one home.
        if not (has_capability(user, Capability.EXPORT) and has_capability(user, Capability.VIEW_SENSITIVE)):
            raise BundleError(f"{user.username}'s role may not export evidence. Nothing was exported.")
        incidents = visible(incidents, user)
    found: dict[uuid.UUID, Incident] = {}
    for ref in refs:
        match = Q(reference=ref.strip().upper())
        with contextlib.suppress(ValueError):  # not an id: the reference alone
            match |= Q(id=uuid.UUID(ref.strip()))
        incident = incidents.filter(match).first()
        if incident is None:
            raise BundleError(f"There is no incident with the reference or id “{ref}”. Nothing was exported.")
        found.setdefault(incident.id, incident)
    return list(found.values())


def check_destination(out: Path) -> None:
    """Refuse to overwrite anything: a bundle is made once, and an earlier one may already be filed."""
    if not out.parent.is_dir():
        raise BundleError(f"The folder {out.parent} does not exist. Nothing was exported.")
    if _is_zip(out):
        if out.exists():
            raise BundleError(f"{out} already exists. Choose another name. Nothing was exported.")
    elif out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BundleError(f"{out} already exists and is not an empty folder. Nothing was exported.")


def export_bundle(
    incidents: Sequence[Incident],
    out: Path,
    actor: User | None = None,
    progress: Callable[[int], None] | None = None,
) -> BundleSummary:
    """Write the bundle of ``incidents`` to ``out`` (a folder, or a zip file if it ends in .zip).

    Records an ``exported`` custody entry per file, an ``export`` ledger event per incident and a
    ``bundle`` event carrying the manifest's SHA-256, then signs a checkpoint covering them. Either all of
    it happens or none of it: the files are staged beside ``out`` and moved into place last.
    """
    check_destination(out)
    evidence = list(
        Evidence.objects.filter(incident__in=incidents)
        .select_related("incident")
        .order_by("received_at", "id")
    )
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    moved = False
    try:
        (staging / "files").mkdir()
        at_export = {}
        for item in evidence:
            at_export[item.id] = _copy(item, staging / _file_path(item))
            if progress:
                progress(1)
        with transaction.atomic():
            summary = _record_and_write(incidents, evidence, at_export, staging, actor, out)
            _move_into_place(staging, out)
            moved = True
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if moved:  # the records were rolled back after all: no bundle without its custody and ledger
            if out.is_dir():
                shutil.rmtree(out, ignore_errors=True)
            else:
                out.unlink(missing_ok=True)
        raise
    return summary


def _record_and_write(
    incidents: Sequence[Incident],
    evidence: Sequence[Evidence],
    at_export: dict[uuid.UUID, str],
    staging: Path,
    actor: User | None,
    out: Path,
) -> BundleSummary:
    now = timezone.now()
    CustodyEntry.objects.bulk_create(
        CustodyEntry(evidence=item, action=CustodyEntry.Action.EXPORTED, actor=actor, at=now)
        for item in evidence
    )
    manifest = _manifest(incidents, evidence, at_export, actor, now)
    (staging / "manifest.json").write_bytes(manifest)
    digest = hashlib.sha256(manifest).hexdigest()
    record_events(
        actor,
        [Event("export", "records.incident", str(incident.id)) for incident in incidents]
        + [Event("bundle", BUNDLE_OBJECT_TYPE, digest)],
    )
    checkpoint = create_checkpoint()
    signed = checkpoint.signed()
    first = LedgerEntry.objects.filter(_concerning(incidents, evidence) | _bundle(digest)).aggregate(
        first=Min("seq")
    )["first"]
    segment = [
        entry_record(entry)
        for entry in LedgerEntry.objects.filter(seq__gte=first, seq__lte=signed.seq).order_by("seq")
    ]
    problem = segment_problem(segment, signed)
    if problem is not None:
        raise BundleError(
            f"The ledger cannot vouch for this export: {problem}. "
            "Run “khronika ledger verify”. Nothing was exported."
        )
    with (staging / "ledger.jsonl").open("wb") as handle:
        for record in segment:
            handle.write(canonical_json(record) + b"\n")
    (staging / "checkpoint.json").write_text(export_checkpoint(checkpoint), encoding="ascii")
    shutil.copyfile(verify_bundle.__file__, staging / "verify_bundle.py")
    (staging / "README.txt").write_text(README, encoding="utf-8")
    return BundleSummary(
        path=out,
        incidents=len(incidents),
        files=len(evidence),
        ledger_entries=len(segment),
        checkpoint_seq=signed.seq,
        changed_since_arrival=[str(e.id) for e in evidence if at_export[e.id] != e.sha256],
    )


def _file_path(item: Evidence) -> str:
    extension = mimetypes.guess_extension(item.media_type) if item.media_type else None
    return f"files/{item.id}{extension or ''}"


def _copy(item: Evidence, target: Path) -> str:
    """Copy the file out of storage (which decrypts it, once the vault encrypts files) and hash it."""
    digest = hashlib.sha256()
    try:
        with item.file.open("rb") as source, target.open("wb") as copy:
            for block in iter(lambda: source.read(1 << 20), b""):
                digest.update(block)
                copy.write(block)
    except FileNotFoundError as exc:
        raise BundleError(
            f"The file of evidence {item.id} (incident {item.incident.reference}) is missing from storage. "
            "Nothing was exported."
        ) from exc
    except TamperedCiphertext as exc:
        # Without the vault's keys nobody can change a stored file into other readable bytes; a file that
        # no longer decrypts was damaged or altered on the server, and must not reach a court as evidence.
        raise BundleError(
            f"The stored file of evidence {item.id} (incident {item.incident.reference}) was damaged or "
            "altered: it no longer decrypts. Restore it from a backup. Nothing was exported."
        ) from exc
    return digest.hexdigest()


def _manifest(
    incidents: Sequence[Incident],
    evidence: Sequence[Evidence],
    at_export: dict[uuid.UUID, str],
    actor: User | None,
    now: datetime,
) -> bytes:
    custody: dict[uuid.UUID, list[dict[str, str]]] = {}
    entries = CustodyEntry.objects.filter(evidence__in=evidence).select_related("actor").order_by("at", "id")
    for entry in entries:
        custody.setdefault(entry.evidence_id, []).append(
            {
                "action": entry.action,
                # Usernames, not opaque ids: a court needs to know who handled the file.
                "by": entry.actor.username if entry.actor else OPERATOR,
                "at": entry.at.isoformat(),
            }
        )
    manifest = {
        "format": BUNDLE_FORMAT,
        "exported_at": now.isoformat(),
        "exported_by": actor.username if actor else OPERATOR,
        "incidents": [
            {"id": str(i.id), "reference": i.reference, "date": i.date_display, "status": i.status}
            for i in incidents
        ],
        "files": [
            {
                "path": _file_path(item),
                "evidence_id": str(item.id),
                "incident": item.incident.reference,
                "original_name": item.original_name,
                "description": item.description,
                "media_type": item.media_type,
                "size": item.size,
                "received_at": item.received_at.isoformat(),
                "sha256_on_arrival": item.sha256,
                "sha256_at_export": at_export[item.id],
                "custody": custody.get(item.id, []),
            }
            for item in evidence
        ],
        "ledger_objects": [{"type": t, "id": i} for t, i in _objects(incidents, evidence)],
    }
    # Indented for people to read; its exact bytes are what the ledger's ``bundle`` entry hashes.
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _objects(incidents: Sequence[Incident], evidence: Sequence[Evidence]) -> Iterable[tuple[str, str]]:
    """The ledger objects a bundle concerns: its incidents, their acts and information, the files."""
    ids = [i.id for i in incidents]
    yield from (("records.incident", str(i)) for i in ids)
    yield from (("records.act", str(a)) for a in _ids("acts", ids))
    yield from (("records.information", str(a)) for a in _ids("information", ids))
    yield from (("records.evidence", str(e.id)) for e in evidence)


def _ids(relation: str, incident_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    return list(
        Incident.objects.filter(id__in=incident_ids, **{f"{relation}__isnull": False})
        .order_by(f"{relation}__id")
        .values_list(f"{relation}__id", flat=True)
    )


def _concerning(incidents: Sequence[Incident], evidence: Sequence[Evidence]) -> Q:
    by_type: dict[str, list[str]] = {}
    for object_type, object_id in _objects(incidents, evidence):
        by_type.setdefault(object_type, []).append(object_id)
    query = Q(pk__in=[])
    for object_type, object_ids in by_type.items():
        query |= Q(object_type=object_type, object_id__in=object_ids)
    return query


def _bundle(digest: str) -> Q:
    return Q(object_type=BUNDLE_OBJECT_TYPE, object_id=digest)


def _is_zip(out: Path) -> bool:
    return out.suffix.lower() == ".zip"


def _move_into_place(staging: Path, out: Path) -> None:
    if not _is_zip(out):
        os.replace(staging, out)  # atomic; replaces only an empty folder
        return
    partial = staging.with_name(staging.name + ".zip")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(staging.rglob("*")):
                archive.write(path, str(Path(out.stem) / path.relative_to(staging)))
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    shutil.rmtree(staging)
