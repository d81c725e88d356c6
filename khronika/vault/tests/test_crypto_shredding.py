"""Dropping a record's wrapped data key makes its ciphertexts unrecoverable, even to the vault itself."""

from __future__ import annotations

import pytest

from khronika.vault.crypto import (
    TamperedCiphertext,
    decrypt_text,
    encrypt_text,
    new_data_key,
    unlock_with_passphrase,
    unwrap_data_key,
    wrap_data_key,
)

from .conftest import PASSPHRASE

TABLE = "records_person"


def _store(kek, records):
    """Stand-in for the storage layer: wrapped data keys in one place, ciphertexts in another."""
    wrapped_keys, rows = {}, {}
    for record_id, name in records.items():
        data_key = new_data_key()
        wrapped_keys[record_id] = wrap_data_key(kek, data_key, table=TABLE, record_id=record_id)
        rows[record_id] = encrypt_text(data_key, name, table=TABLE, record_id=record_id, field="full_name")
    return wrapped_keys, rows


def test_a_shredded_record_stays_unreadable_with_every_key_the_vault_has(vault):
    wrapped_keys, rows = _store(vault.keys.kek, {1: "Пётр Шреддеров", 2: "Olga Survivor"})

    del wrapped_keys[1]  # crypto-shredding: the ciphertext in `rows` (and in any backup) remains

    keys = unlock_with_passphrase(vault.keyring, PASSPHRASE)  # even a full unseal does not help
    remaining = [unwrap_data_key(keys.kek, w, table=TABLE, record_id=r) for r, w in wrapped_keys.items()]
    candidates = [*remaining, keys.root, keys.kek, keys.blind_index_key, keys.org_private_key]
    for candidate in candidates:
        with pytest.raises(TamperedCiphertext):
            decrypt_text(candidate, rows[1], table=TABLE, record_id=1, field="full_name")


def test_shredding_one_record_leaves_the_others_readable(vault):
    wrapped_keys, rows = _store(vault.keys.kek, {1: "Пётр Шреддеров", 2: "Olga Survivor"})
    del wrapped_keys[1]
    data_key = unwrap_data_key(vault.keys.kek, wrapped_keys[2], table=TABLE, record_id=2)
    assert decrypt_text(data_key, rows[2], table=TABLE, record_id=2, field="full_name") == "Olga Survivor"


def test_data_keys_are_random_so_the_root_cannot_recreate_a_shredded_one():
    """If data keys were derived from the root and the record id, shredding would be an illusion."""
    assert len({new_data_key() for _ in range(100)}) == 100
