"""Key rotation without downtime: a new root / key-encryption key, or a new blind-index key.

Why rotate the KEK (threat model: seized backups, revoked trustees): crypto-shredding deletes a row's
wrapped data key, but a backup taken before the shred still holds it, wrapped by the KEK. Once the
root is rotated and every live row rewrapped, the old root exists nowhere the instance keeps, so the
old wrapped key in the backup opens with nothing we hold (``tests/test_rotation_backup_shred.py``).
Old trustee shares rebuild only the old root, which the new keyring refuses: rotation revokes them.

KEK rotation, in an order that survives a crash at any step:

1. make a new root (``crypto.rotate_root``: same vault id, organisation key pair and blind-index key)
   and write the keyring, which also holds the *old* root wrapped by the new KEK: a restart halfway
   unseals with both, and running ``khronika vault rotate --kek`` again resumes;
2. hand every running process the new keys with the old ones in ``previous``: they write new rows
   with the new KEK and open rows not yet rewrapped with the old one (``fields.data_key``);
3. rewrap every ``VaultRecord`` row's ``vault_key`` in batches (``QuerySet.update`` of that column
   only, compare-and-set so a concurrent save is never overwritten), then every stored file's header:
   data keys and ciphertexts are untouched, so nothing is re-encrypted and nothing is unreadable;
4. a second pass catches rows written back meanwhile; then write the keyring without the old root
   (the old keyring file is replaced atomically) and unseal every process with the new keys only.

The organisation private key and the blind-index key are rewrapped inside the keyring (step 1). The
ledger and feed signing keys are derived from the organisation key (``vault/derived_keys.py``), which a
rotation keeps, so they stay the same.

Blind-index rotation: a new random key, wrapped by the KEK in the keyring; every blind index is
recomputed from the decrypted values (``reindex_blind_indexes``). Run it again after a crash.
"""

from __future__ import annotations

import os
import secrets
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils.module_loading import import_string

from khronika.vault import keystore, state
from khronika.vault.control import unseal_all
from khronika.vault.crypto import (
    KdfCost,
    TamperedCiphertext,
    VaultError,
    VaultKeys,
    finish_rotation,
    from_text,
    rotate_blind_index_key,
    rotate_root,
    to_text,
    unwrap_data_key,
    wrap_data_key,
)
from khronika.vault.crypto.kdf import PRODUCTION_COST
from khronika.vault.fields import VaultRecord
from khronika.vault.panic import record_vault_event
from khronika.vault.storage import MAGIC, TABLE

BATCH_SIZE = 500
Progress = Callable[[str], None]


class RotationError(VaultError):
    default_message = "The key rotation stopped; nothing is lost. Run the same command again to resume."


@dataclass
class RewrapCount:
    """What a pass did: rewrapped, already under the new KEK, and unreadable with either KEK (rows or
    files that were damaged before the rotation; they stay as they were)."""

    rewrapped: int = 0
    current: int = 0
    unreadable: int = 0

    def add(self, other: RewrapCount) -> None:
        self.rewrapped += other.rewrapped
        self.current += other.current
        self.unreadable += other.unreadable


@dataclass
class KekRotation:
    rows: RewrapCount
    files: RewrapCount
    shares: list[str] = field(repr=False)
    resumed: bool


def vault_models() -> list[type[models.Model]]:
    """Every concrete model that stores a wrapped data key in its own table."""
    found: list[type[models.Model]] = []
    for model in apps.get_models():
        if not issubclass(model, VaultRecord) or model._meta.proxy:
            continue
        if model._meta.get_field("vault_key").model is model:  # not a child table of one
            found.append(model)
    return found


def _rewrap(keys: VaultKeys, wrapped: bytes, table: str, record_id: str) -> bytes | None:
    """``wrapped`` rewrapped by the current KEK; ``None`` if it already is; ``TamperedCiphertext``
    if neither KEK opens it."""
    try:
        unwrap_data_key(keys.kek, wrapped, table=table, record_id=record_id)
        return None
    except TamperedCiphertext:
        if keys.previous is None:
            raise
    data_key = unwrap_data_key(keys.previous.kek, wrapped, table=table, record_id=record_id)
    return wrap_data_key(keys.kek, data_key, table=table, record_id=record_id)


def _rows(model: type[models.Model], batch_size: int) -> Iterator[list[tuple[object, object, str]]]:
    manager = model._base_manager
    last: object = None
    while True:
        query = manager.exclude(vault_key="").order_by("pk")
        if last is not None:
            query = query.filter(pk__gt=last)
        batch = list(query.values_list("pk", "vault_id", "vault_key")[:batch_size])
        if not batch:
            return
        last = batch[-1][0]
        yield batch


def rewrap_rows(keys: VaultKeys, *, batch_size: int = BATCH_SIZE) -> RewrapCount:
    """Rewrap every row's data key from the previous KEK to the current one (see the module doc)."""
    count = RewrapCount()
    for model in vault_models():
        table = model._meta.db_table
        manager = model._base_manager
        for batch in _rows(model, batch_size):
            with transaction.atomic():
                for pk, vault_id, wrapped_text in batch:
                    try:
                        new = _rewrap(keys, from_text(wrapped_text), table, str(vault_id))
                    except TamperedCiphertext:
                        count.unreadable += 1
                        continue
                    if new is None:
                        count.current += 1
                        continue
                    # Compare-and-set: a process that saved the row meanwhile wrote the new wrapping
                    # already (fields.VaultKeyField.pre_save), or shredded it: leave its value.
                    manager.filter(pk=pk, vault_key=wrapped_text).update(vault_key=to_text(new))
                    count.rewrapped += 1
    return count


def stored_files(location: Path) -> Iterator[tuple[Path, str]]:
    """(path, storage name) of every encrypted file under ``location``."""
    if not location.is_dir():
        return
    for path in sorted(location.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:
                if handle.read(len(MAGIC)) != MAGIC:
                    continue
            yield path, path.relative_to(location).as_posix()


def rewrap_file_header(keys: VaultKeys, path: Path, name: str) -> bool | None:
    """Rewrap one stored file's key in its header; the encrypted stream after it is not touched.

    True if rewritten, False if already under the current KEK, None if unreadable with either KEK.
    The new header has the same length (same AEAD, same key size), so it is written in place: one
    small write inside the first block, followed by fsync.
    """
    with open(path, "r+b") as handle:
        if handle.read(len(MAGIC)) != MAGIC:
            return None
        (length,) = struct.unpack(">H", handle.read(2))
        wrapped = handle.read(length)
        try:
            new = _rewrap(keys, wrapped, TABLE, name)
        except TamperedCiphertext:
            return None
        if new is None:
            return False
        if len(new) == length:
            handle.seek(len(MAGIC))
            handle.write(struct.pack(">H", len(new)) + new)
            handle.flush()
            os.fsync(handle.fileno())
            return True
        rest_offset = len(MAGIC) + 2 + length
    # A different length (a future AEAD format): copy the stream after a new header, then swap.
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    with open(path, "rb") as source, open(tmp, "xb") as target:
        source.seek(rest_offset)
        target.write(MAGIC + struct.pack(">H", len(new)) + new)
        while chunk := source.read(1024 * 1024):
            target.write(chunk)
        target.flush()
        os.fsync(target.fileno())
    os.replace(tmp, path)
    return True


def rewrap_files(keys: VaultKeys, location: Path | None = None) -> RewrapCount:
    """Rewrap the key header of every stored file (default: the default storage's folder)."""
    count = RewrapCount()
    if location is None:
        base = getattr(default_storage, "location", None)  # only file-system storages have files here
        if not base:
            return count
        location = Path(base)
    for path, name in stored_files(location):
        done = rewrap_file_header(keys, path, name)
        if done is None:
            count.unreadable += 1
        elif done:
            count.rewrapped += 1
        else:
            count.current += 1
    return count


def install_everywhere(keys: VaultKeys) -> None:
    """Give ``keys`` to this process and every running one; refuse to go on if one did not take them.

    Threat answered: a process left on the old keys would keep wrapping new rows with the old KEK
    after the rotation forgot it, and those rows would be lost."""
    state.unseal(keys)
    failed = [answer.socket for answer in unseal_all(keys) if not (answer.ok and answer.unsealed)]
    if failed:
        raise RotationError(
            f"{len(failed)} running process(es) did not take the new keys ({', '.join(failed)}). "
            "Nothing is lost: restart or stop them, then run the same command again to resume."
        )


def rotate_kek(
    keys: VaultKeys,
    passphrase: str | None,
    *,
    kdf_cost: KdfCost = PRODUCTION_COST,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> KekRotation:
    """Rotate the root and KEK of this instance (module doc). ``keys`` come from unlocking the stored
    keyring (with the passphrase, which wraps the new root, or the trustees' shares); if the keyring
    shows a rotation already in progress, they carry the previous keys and the rotation resumes."""
    say = progress or (lambda _message: None)
    keyring = keystore.load_keyring()
    resumed = keyring.rotation_in_progress
    shares: list[str] = []
    if resumed:
        if keys.previous is None:
            raise RotationError("These keys do not match the key file's rotation in progress.")
        new_keys = keys
    else:
        try:
            rotated = rotate_root(keyring, keys, passphrase, kdf_cost=kdf_cost)
        except ValueError as exc:
            raise VaultError(str(exc)) from exc
        keystore.save_keyring(rotated.keyring, replace=True)
        new_keys, shares = rotated.keys, rotated.shares
        say("New root written to the key file (the old one is kept until the end of the rotation).")
    install_everywhere(new_keys)
    rows = rewrap_rows(new_keys, batch_size=batch_size)
    say(f"Records: {rows.rewrapped} rewrapped, {rows.current} already done.")
    files = rewrap_files(new_keys)
    say(f"Files: {files.rewrapped} rewrapped, {files.current} already done.")
    rows.add(rewrap_rows(new_keys, batch_size=batch_size))  # rows saved during the first pass
    finished_ring, finished_keys = finish_rotation(keystore.load_keyring(), new_keys)
    keystore.save_keyring(finished_ring, replace=True)
    install_everywhere(finished_keys)
    record_vault_event(None, "vault_rotate_kek")
    return KekRotation(rows=rows, files=files, shares=shares, resumed=resumed)


Reindexer = Callable[[int], int]
_REINDEXERS: dict[str, str] = {}


def register_reindexer(name: str, dotted_path: str) -> None:
    """Register what recomputes one app's keyed digests (called from ``AppConfig.ready``).

    Why a registry: every app that stores digests made with the blind-index key (persons, safety
    entries, monitored articles) must recompute them after a rotation, or exact lookups and duplicate
    detection silently miss every old row. The vault cannot know those apps; they tell it. The function
    at ``dotted_path`` takes a batch size and returns the number of rows it rewrote; it is imported
    only when a rotation runs, so registering loads nothing heavy into every process (the worker
    locks all its memory, ``vault/hardening.py``)."""
    _REINDEXERS[name] = dotted_path


def reindexers() -> dict[str, Reindexer]:
    return {name: import_string(path) for name, path in _REINDEXERS.items()}


def reindex_blind_indexes(*, batch_size: int = BATCH_SIZE) -> int:
    """Recompute every keyed digest with this process's current blind-index key, app by app.

    Returns the number of rows written."""
    return sum(reindex(batch_size) for reindex in reindexers().values())


def batches(manager: models.Manager[Any] | models.QuerySet[Any], batch_size: int) -> Iterator[list[Any]]:
    """Every row of ``manager`` in primary-key order, ``batch_size`` at a time (keyset pagination, so a
    table of a million rows is never held in memory and rows written meanwhile are not skipped)."""
    last: object = None
    while True:
        query = manager.order_by("pk")
        if last is not None:
            query = query.filter(pk__gt=last)
        batch = list(query[:batch_size])
        if not batch:
            return
        last = batch[-1].pk
        yield batch


def rotate_blind_index(keys: VaultKeys, *, batch_size: int = BATCH_SIZE) -> int:
    """A new blind-index key, then every blind index recomputed. Returns the index rows written.

    The keyring is written first: a crash halfway leaves some indexes under the old key (exact
    lookups miss those persons) until the command is run again. While it runs, every process already
    indexes new writes with the new key."""
    keyring = keystore.load_keyring()
    rotated_ring, new_keys = rotate_blind_index_key(keyring, replace(keys, previous=None))
    keystore.save_keyring(rotated_ring, replace=True)
    install_everywhere(new_keys)
    written = reindex_blind_indexes(batch_size=batch_size)
    install_everywhere(replace(new_keys, previous=None))
    record_vault_event(None, "vault_rotate_blind_index")
    return written
