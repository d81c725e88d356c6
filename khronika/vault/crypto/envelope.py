"""Envelope encryption: one random data key per record, wrapped by the key-encryption key (KEK).

Who can decrypt: only a process holding the unsealed KEK (derived from the root secret after an
unseal) can unwrap a record's data key, and only that data key opens the record's fields.

Binding: a wrapped data key is authenticated with its table and record id, a field ciphertext with
table, record id and field name (associated data, see ``aead.py``). Copying a ciphertext to another
row or column, or a wrapped key to another record, makes it fail with ``TamperedCiphertext`` instead
of showing one person's data as another's.

Padding: plaintexts are padded to a multiple of 32 bytes inside the ciphertext (ISO/IEC 7816-4, via
libsodium), because the exact length of a short name or phone number narrows down who it is.

Crypto-shredding: to destroy a record for good, delete its wrapped data key. The ciphertexts may
linger in the database, its WAL, replicas or old backups, but without the data key they are random
bytes: XChaCha20-Poly1305 under a fresh 256-bit key cannot be opened, and the data key exists nowhere
else (it is random, not derived, so the root cannot recreate it). Where wrapped keys are kept and how
their deletion reaches backups (a key store backed up separately and rotated) is the storage layer's
job; see docs/vault.md.
"""

from __future__ import annotations

import functools
import secrets
import uuid

from nacl.bindings import sodium_pad

from . import aead
from .errors import TamperedCiphertext

DATA_KEY_BYTES = 32
PAD_BLOCK = 32

RecordId = str | int | uuid.UUID


def new_data_key() -> bytes:
    """A fresh random data key for one record (from the OS CSPRNG, never derived)."""
    return secrets.token_bytes(DATA_KEY_BYTES)


@functools.lru_cache(maxsize=256)
def _encoded_part(part: str) -> bytes:
    """One part of ``aead.associated_data``, for the few parts that repeat (purposes, tables, fields)."""
    return aead.associated_data(part)


def _record_ad(purpose: str, table: str, record_id: RecordId, *more: str) -> bytes:
    """``aead.associated_data(purpose, table, str(record_id), *more)``, byte for byte (a test checks
    it), with the encoding of the repeating parts cached: it was a fifth of the cost of reading a
    short field."""
    if not table:
        raise ValueError("A table name is required to bind a ciphertext to its record.")
    record = str(record_id).encode("utf-8")
    if not record:
        raise ValueError("A record id is required to bind a ciphertext to its record.")
    ad = _encoded_part(purpose) + _encoded_part(table) + len(record).to_bytes(4, "big") + record
    for part in more:
        ad += _encoded_part(part)
    return ad


def wrap_data_key(kek: bytes, data_key: bytes, *, table: str, record_id: RecordId) -> bytes:
    """Who can decrypt: holders of the KEK, i.e. an unsealed instance."""
    if len(data_key) != DATA_KEY_BYTES:
        raise ValueError(f"A data key is {DATA_KEY_BYTES} bytes.")
    return aead.encrypt_record(kek, data_key, _record_ad("data-key", table, record_id))


def unwrap_data_key(kek: bytes, wrapped: bytes, *, table: str, record_id: RecordId) -> bytes:
    """The record's data key, or ``TamperedCiphertext`` (wrong KEK, other record, damaged)."""
    return aead.decrypt(kek, wrapped, _record_ad("data-key", table, record_id))


def encrypt_field(data_key: bytes, value: bytes, *, table: str, record_id: RecordId, field: str) -> bytes:
    """Who can decrypt: holders of this record's data key (so: of the KEK, and only until shredded)."""
    if not field:
        raise ValueError("A field name is required to bind a ciphertext to its field.")
    padded = sodium_pad(value, PAD_BLOCK)
    return aead.encrypt_record(data_key, padded, _record_ad("field", table, record_id, field))


def decrypt_field(data_key: bytes, blob: bytes, *, table: str, record_id: RecordId, field: str) -> bytes:
    """The field's plaintext, or ``TamperedCiphertext`` if it is altered, moved or the key is wrong."""
    return bytes(_open_field(data_key, blob, table=table, record_id=record_id, field=field))


def _open_field(data_key: bytes, blob: bytes, *, table: str, record_id: RecordId, field: str) -> bytearray:
    padded = aead.open_into(data_key, blob, _record_ad("field", table, record_id, field))
    del padded[_unpadded_length(padded) :]  # trims in place, no copy
    return padded


def _unpadded_length(padded: bytearray) -> int:
    """Where ISO/IEC 7816-4 padding to ``PAD_BLOCK`` starts: the last 0x80 within the last block,
    followed by zeros only (what libsodium's ``sodium_unpad`` accepts).

    Not constant-time, unlike libsodium's, and deliberately: it runs on plaintext that has just been
    authenticated, in the process that is about to decode, measure and render it, all in time that
    depends on its length. Padding hides lengths in the database, which this does not touch; a
    call into libsodium here cost as much as the rest of reading a short field.
    """
    size = len(padded)
    marker = padded.rfind(0x80, size - PAD_BLOCK) if size >= PAD_BLOCK else -1
    if marker < 0 or padded.count(0, marker + 1) != size - marker - 1:
        # authenticated but badly padded: only a bug or a forged key could do this
        raise TamperedCiphertext()
    return marker


def encrypt_text(data_key: bytes, text: str, *, table: str, record_id: RecordId, field: str) -> str:
    """``encrypt_field`` for text columns: UTF-8 in, ``kv:…`` ASCII out."""
    blob = encrypt_field(data_key, text.encode("utf-8"), table=table, record_id=record_id, field=field)
    return aead.to_text(blob)


def decrypt_text(data_key: bytes, stored: str, *, table: str, record_id: RecordId, field: str) -> str:
    """``decrypt_field`` for text columns: ``kv:…`` in, the text out (``TamperedCiphertext`` as there)."""
    return decrypt_text_bound(data_key, stored, field_ad(record_ad_prefix(table, record_id), field))


def record_ad_prefix(table: str, record_id: RecordId) -> bytes:
    """The part of a field's associated data that names its record: the same for every field of a
    row, so a reader of many fields of one row computes it once (with ``field_ad``)."""
    return _record_ad("field", table, record_id)


def field_ad(prefix: bytes, field: str) -> bytes:
    """A field's whole associated data, from its record's ``record_ad_prefix``."""
    if not field:
        raise ValueError("A field name is required to bind a ciphertext to its field.")
    return prefix + _encoded_part(field)


def decrypt_text_bound(data_key: bytes, stored: str, ad: bytes) -> str:
    """``decrypt_text`` with the associated data already made (``field_ad``)."""
    return decrypt_field_bound(data_key, aead.from_text(stored), ad).decode("utf-8")


def decrypt_field_bound(data_key: bytes, blob: bytes, ad: bytes) -> bytearray:
    """``decrypt_field`` with the associated data already made (``field_ad``): the path every read of
    a record's values takes, kept to a few calls because a list of 100,000 rows makes it hundreds of
    thousands of times (benchmarks/vault_overhead.py)."""
    padded = aead.open_into(data_key, blob, ad)
    del padded[_unpadded_length(padded) :]  # trims in place, no copy
    return padded
