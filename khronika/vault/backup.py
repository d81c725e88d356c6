"""``khronika backup create|verify|restore``: one encrypted, authenticated archive of database and files.

What is in it, and why (docs/vault.md, "Backups and exports"):

- **Every table, row by row, as stored** (a logical dump through Django's connection, not the JSON
  export): ids, timestamps, the ledger's hash chain, accounts, consents, audit tables, everything the
  export leaves out, and the sensitive columns *as ciphertext* with their wrapped data keys. A restore
  is then exactly the instance that was backed up, which the JSON export alone could not give (it
  re-creates records with new data keys and has no ledger or accounts). Sessions are left out: after
  a restore everyone logs in again (a stolen session cookie must not come back to life).
- **The stored files, copied as they are on disk**: they are already encrypted, each with its own key
  wrapped by the KEK and bound to its name, so the archive never holds them in clear and a restore
  puts back byte-identical files.

All of it is gzip'd and encrypted as one secretstream (``khronika.vault.streams``) under the backup
key, HKDF(root, label "backup"): a backup opens only with this vault's passphrase or trustees' shares
(and the keyring, kept separately: the recovery kit). After a root rotation (``khronika vault rotate
--kek``) the old root is gone, so older backups open with nothing the instance holds: that is how
crypto-shredding reaches backups (threat model 1: a seized backup; a shredded record must stay gone).

Layout: ``"KBK1" | header length (4 bytes) | header JSON (vault id, archive id, date; no secrets) |
secretstream(gzip(JSON Lines))``. The header is authenticated with every chunk. The last line counts
every table's rows and every file, so a verify proves completeness as well as authenticity.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import gzip
import hashlib
import json
import os
import struct
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from khronika.vault.crypto import TamperedCiphertext, VaultKeys
from khronika.vault.streams import EncryptingWriter, decrypting_reader

MAGIC = b"KBK1"
FORMAT = "khronika-backup"
VERSION = 1
MAX_HEADER_BYTES = 64 * 1024
FILE_PIECE = 48 * 1024
ROW_BATCH = 2000
# Not backed up, not restored: live logins and the index of them (a restored session key must not
# log anyone back in, and the archive need not carry bearer tokens at all).
EXCLUDED_MODELS = {"sessions.session", "accounts.staffsession"}
# Filled by ``migrate`` itself (post_migrate signals) or by ``khronika loadreference``: an instance
# holding only these is still empty; a restore replaces them with the backup's own rows.
SEED_MODELS = {
    "contenttypes.contenttype",
    "auth.permission",
    "records.vocabulary",
    "records.term",
    "records.place",
}


class BackupRefused(Exception):
    """The archive cannot be verified or restored; the message says why. Nothing was changed."""


TAMPERED = (
    "This backup archive is damaged, cut short or was altered after it was written, so it cannot be "
    "trusted. Nothing was restored. Use another copy."
)


def backup_key(keys: VaultKeys) -> bytes:
    """HKDF(root, label "backup"): unrelated to the KEK and blind-index key, and gone with the root
    after a rotation (which is how shredding reaches old backups)."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=keys.vault_id, info=b"khronika/vault/v1/backup"
    ).derive(keys.root)


@dataclass
class BackupSummary:
    archive_id: str = ""
    created_at: str = ""
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    file_bytes: int = 0

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def backup_models() -> list[type[models.Model]]:
    """Every table Django manages (many-to-many tables included), in a stable order."""
    chosen = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in EXCLUDED_MODELS
    ]
    return sorted(chosen, key=lambda model: model._meta.db_table)


def _applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def _file_root() -> Path:
    return Path(cast(Any, default_storage).location)


def _stored_files(root: Path) -> Iterator[tuple[Path, str]]:
    if not root.is_dir():
        return
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


# --- values ------------------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    """A database value as JSON, tagged so that it comes back as the same type."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"b": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"t": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"td": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, decimal.Decimal):
        return {"n": str(value)}
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    if isinstance(value, (dict, list)):
        return {"j": json.dumps(value)}
    raise TypeError(f"A {type(value).__name__} value cannot be backed up.")


def _decode(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    ((tag, raw),) = value.items()
    if tag == "b":
        return base64.b64decode(raw)
    if tag == "dt":
        # Django keeps naive UTC text in SQLite and timestamptz in PostgreSQL: an archive of either
        # restores into the other (the JSON export compares equal).
        moment = dt.datetime.fromisoformat(raw)
        if connection.vendor == "sqlite":
            return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    if tag == "d":
        return dt.date.fromisoformat(raw)
    if tag == "t":  # sqlite3 has no adapter for time; Django stores it there as this same text
        return dt.time.fromisoformat(raw) if connection.vendor == "postgresql" else raw
    if tag == "td":
        return dt.timedelta(days=raw[0], seconds=raw[1], microseconds=raw[2])
    if tag == "n":
        return decimal.Decimal(raw)
    if tag == "u":  # PostgreSQL's uuid; SQLite keeps Django's 32 hex digits
        return uuid.UUID(raw) if connection.vendor == "postgresql" else uuid.UUID(raw).hex
    if tag == "j":
        return raw
    raise ValueError(f"unknown value tag {tag!r}")


def _line(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


# --- create ------------------------------------------------------------------------------------------


def _lines_of_backup(summary: BackupSummary) -> Iterator[bytes]:
    yield _line({"t": "schema", "vendor": connection.vendor, "migrations": _applied_migrations()})
    quote = connection.ops.quote_name
    for model in backup_models():
        table = model._meta.db_table
        columns = [f.column for f in model._meta.local_concrete_fields]
        yield _line({"t": "table", "name": table, "columns": columns})
        count = 0
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} "  # noqa: S608  # names from Django's models
                f"ORDER BY {quote(model._meta.pk.column)}"
            )
            while rows := cursor.fetchmany(ROW_BATCH):
                for row in rows:
                    count += 1
                    yield _line({"t": "row", "v": [_encode(v) for v in row]})
        summary.tables[table] = count
    for path, name in _stored_files(_file_root()):
        digest = hashlib.sha256()
        size = 0
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            continue  # deleted (shredded) while the backup ran: it must not come back anyway
        yield _line({"t": "file", "name": name})
        with handle:
            while piece := handle.read(FILE_PIECE):
                digest.update(piece)
                size += len(piece)
                yield _line({"t": "data", "b": base64.b64encode(piece).decode("ascii")})
        yield _line({"t": "file_end", "size": size, "sha256": digest.hexdigest()})
        summary.files += 1
        summary.file_bytes += size
    yield _line({"t": "end", "tables": summary.tables, "files": summary.files})


def create_backup(path: Path, keys: VaultKeys) -> BackupSummary:
    """Write the archive to ``path`` (0600; a partial file is removed on failure), in one read
    transaction so that rows referring to each other are consistent."""
    summary = BackupSummary(archive_id=str(uuid.uuid4()), created_at=timezone.now().isoformat())
    header = json.dumps(
        {
            "format": FORMAT,
            "version": VERSION,
            "vault_id": keys.vault_id.hex(),
            "archive_id": summary.archive_id,
            "created_at": summary.created_at,
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode("utf-8")
    partial = path.with_name(path.name + ".partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
        with os.fdopen(descriptor, "wb") as raw, transaction.atomic():
            if snapshot:
                # One snapshot for every table (READ COMMITTED would see commits between two SELECTs).
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            raw.write(MAGIC + struct.pack(">I", len(header)) + header)
            with (
                EncryptingWriter(raw, backup_key(keys), ad=header) as sealed,
                gzip.GzipFile(fileobj=sealed, mode="wb", mtime=0) as compressed,
            ):
                for line in _lines_of_backup(summary):
                    compressed.write(line)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return summary


# --- read --------------------------------------------------------------------------------------------


def _read_header(raw: IO[bytes]) -> tuple[bytes, dict[str, Any]]:
    not_backup = "This file is not a Khronika backup archive (or its first bytes are damaged)."
    if raw.read(len(MAGIC)) != MAGIC:
        raise BackupRefused(not_backup)
    size_bytes = raw.read(4)
    if len(size_bytes) != 4 or struct.unpack(">I", size_bytes)[0] > MAX_HEADER_BYTES:
        raise BackupRefused(not_backup)
    header = raw.read(struct.unpack(">I", size_bytes)[0])
    try:
        data = json.loads(header)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BackupRefused(not_backup)
    except ValueError:
        raise BackupRefused(TAMPERED) from None
    if data.get("version") != VERSION:
        raise BackupRefused(
            f"This backup has format version {data.get('version')}; this Khronika reads version {VERSION}."
        )
    return header, data


def _candidate_keys(keys: VaultKeys) -> list[VaultKeys]:
    """This vault's keys, and during a root rotation the previous ones (a backup taken just before)."""
    previous = getattr(keys, "previous", None)
    return [keys, previous] if previous is not None else [keys]


def _opening_key(path: Path, header: bytes, keys: VaultKeys) -> bytes:
    """The backup key that opens the first chunk: this vault's, or during a root rotation the
    previous one's."""
    for candidate in _candidate_keys(keys):
        key = backup_key(candidate)
        with path.open("rb") as raw:
            _read_header(raw)
            try:
                decrypting_reader(raw, key, ad=header).read(1)
            except TamperedCiphertext:
                continue
        return key
    raise BackupRefused(
        "This backup cannot be opened with the vault's current keys: it was damaged, or it was made "
        "before a key rotation (older backups become unreadable on purpose). Nothing was restored."
    )


def _records(path: Path, keys: VaultKeys) -> Iterator[dict[str, Any]]:
    """Every line of the archive, authenticated as it is read; ``BackupRefused`` on any damage."""
    with path.open("rb") as probe:
        header, data = _read_header(probe)
    if data.get("vault_id") != keys.vault_id.hex():
        raise BackupRefused(
            "This backup belongs to another vault: it opens only with the vault (keyring and passphrase "
            "or shares) of the instance that made it. Nothing was restored."
        )
    key = _opening_key(path, header, keys)
    raw = path.open("rb")
    _read_header(raw)
    try:
        with gzip.GzipFile(fileobj=decrypting_reader(raw, key, ad=header)) as clear:
            while line := clear.readline():
                yield json.loads(line)
    except (TamperedCiphertext, gzip.BadGzipFile, EOFError, zlib.error, ValueError):
        raise BackupRefused(TAMPERED) from None
    finally:
        raw.close()


def _walk(
    path: Path, keys: VaultKeys, on_record: Callable[[dict[str, Any]], None] | None = None
) -> BackupSummary:
    """Read the whole archive, checking its structure, counts and file digests; returns its summary."""
    with path.open("rb") as probe:
        _, data = _read_header(probe)
    summary = BackupSummary(
        archive_id=str(data.get("archive_id", "")), created_at=str(data.get("created_at", ""))
    )
    table: str | None = None
    columns = 0
    file_digest: Any = None
    file_size = 0
    ended = False
    for record in _records(path, keys):
        if ended:
            raise BackupRefused(TAMPERED)
        kind = record.get("t")
        if kind == "table":
            table, columns = record["name"], len(record["columns"])
            summary.tables[table] = 0
        elif kind == "row":
            if table is None or len(record["v"]) != columns:
                raise BackupRefused(TAMPERED)
            summary.tables[table] += 1
        elif kind == "file":
            file_digest, file_size = hashlib.sha256(), 0
        elif kind == "data":
            piece = base64.b64decode(record["b"])
            file_digest.update(piece)
            file_size += len(piece)
        elif kind == "file_end":
            if record["sha256"] != file_digest.hexdigest() or record["size"] != file_size:
                raise BackupRefused(TAMPERED)
            summary.files += 1
            summary.file_bytes += file_size
        elif kind == "end":
            if record["tables"] != summary.tables or record["files"] != summary.files:
                raise BackupRefused(TAMPERED)
            ended = True
        elif kind != "schema":
            raise BackupRefused(TAMPERED)
        if on_record is not None:
            on_record(record)
    if not ended:
        raise BackupRefused(TAMPERED)
    return summary


def verify_backup(path: Path, keys: VaultKeys) -> BackupSummary:
    """Authenticity and completeness, without restoring anything (reads the whole archive)."""
    try:
        return _walk(path, keys)
    except (KeyError, TypeError, AttributeError, ValueError):
        raise BackupRefused(TAMPERED) from None  # authentic but malformed: written by something else


# --- restore -----------------------------------------------------------------------------------------


def occupied_tables() -> list[str]:
    """Tables holding rows that a restore would overwrite (seed tables filled by migrate do not count)."""
    found = []
    for model in backup_models():
        if model._meta.label_lower in SEED_MODELS:
            continue
        if model._base_manager.exists():
            found.append(model._meta.db_table)
    return found


def restore_backup(path: Path, keys: VaultKeys) -> BackupSummary:
    """Restore into an empty instance: first a full verify pass, then everything in one transaction.

    Refused, with nothing changed, when the instance holds data or files, when the archive comes from
    another vault or another database schema, or when any byte of it was altered or cut."""
    occupied = occupied_tables()
    root = _file_root()
    if occupied or any(True for _ in _stored_files(root)):
        raise BackupRefused(
            "This instance is not empty (it already holds records, accounts, ledger entries or files). "
            "A backup is restored only into a freshly installed, empty instance. Nothing was restored."
        )
    summary = verify_backup(path, keys)
    restorer = _Restorer(root)
    try:
        with transaction.atomic():
            _walk(path, keys, restorer.add)
            restorer.finish()
    except BaseException:
        restorer.remove_files()
        raise
    return summary


class _Restorer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.models = {model._meta.db_table: model for model in backup_models()}
        self.table: str | None = None
        self.columns: list[str] = []
        self.rows: list[list[Any]] = []
        self.written: list[Path] = []
        self.handle: IO[bytes] | None = None

    def add(self, record: dict[str, Any]) -> None:
        kind = record["t"]
        if kind == "schema":
            if record["migrations"] != _applied_migrations():
                raise BackupRefused(
                    "This backup was made by another version of Khronika (its database schema differs). "
                    "Install the same version, run `khronika migrate`, then restore. Nothing was restored."
                )
            with connection.cursor() as cursor:
                for model in self.models.values():
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        elif kind == "table":
            self._flush()
            if record["name"] not in self.models:
                raise BackupRefused(
                    f"This backup has a table {record['name']!r} this Khronika does not know."
                )
            self.table, self.columns = record["name"], record["columns"]
        elif kind == "row":
            self.rows.append([_decode(v) for v in record["v"]])
            if len(self.rows) >= ROW_BATCH:
                self._flush()
        elif kind == "file":
            self._flush()
            target = (self.root / record["name"]).resolve()
            if self.root.resolve() not in target.parents:
                raise BackupRefused(TAMPERED)  # a path escaping the file store
            target.parent.mkdir(parents=True, exist_ok=True)
            self.written.append(target)
            self.handle = target.open("xb")
        elif kind == "data" and self.handle is not None:
            self.handle.write(base64.b64decode(record["b"]))
        elif kind == "file_end" and self.handle is not None:
            self.handle.close()
            self.handle = None

    def _flush(self) -> None:
        if not self.rows or self.table is None:
            return
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(self.table)} ({', '.join(quote(c) for c in self.columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(self.columns))})"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, self.rows)
        self.rows = []

    def finish(self) -> None:
        self._flush()
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(self.models.values())):
                cursor.execute(statement)
        connection.check_constraints(table_names=list(self.models))

    def remove_files(self) -> None:
        if self.handle is not None:
            self.handle.close()
        for path in self.written:
            path.unlink(missing_ok=True)
