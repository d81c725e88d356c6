"""A ciphertext copied to another row, field or table does not decrypt: it cannot pass for other data."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from khronika.vault.crypto import (
    TamperedCiphertext,
    decrypt_text,
    encrypt_text,
    new_data_key,
    unwrap_data_key,
    wrap_data_key,
)

KEY = new_data_key()
RECORD = uuid.UUID("6f1c1f4e-8d7a-4b0e-9a53-2f7d6c1a0b11")
WHERE: dict[str, Any] = {"table": "records_person", "record_id": RECORD, "field": "full_name"}


@pytest.mark.parametrize(
    "elsewhere",
    [
        {"record_id": uuid.UUID("6f1c1f4e-8d7a-4b0e-9a53-2f7d6c1a0b12")},
        {"field": "alias"},
        {"table": "records_source"},
    ],
)
def test_it_refuses_a_ciphertext_moved_elsewhere(elsewhere):
    stored = encrypt_text(KEY, "Анна Синтетическая", **WHERE)
    assert decrypt_text(KEY, stored, **WHERE) == "Анна Синтетическая"
    with pytest.raises(TamperedCiphertext, match="moved from another record or field"):
        decrypt_text(KEY, stored, **{**WHERE, **elsewhere})


def test_field_boundaries_cannot_be_shifted():
    """("records_person", "1", "2name") must not equal ("records_person", "12", "name")."""
    stored = encrypt_text(KEY, "x", table="records_person", record_id="1", field="2name")
    with pytest.raises(TamperedCiphertext):
        decrypt_text(KEY, stored, table="records_person", record_id="12", field="name")


def test_it_refuses_a_wrapped_data_key_moved_to_another_record(vault):
    wrapped = wrap_data_key(vault.keys.kek, KEY, table="records_person", record_id=1)
    with pytest.raises(TamperedCiphertext):
        unwrap_data_key(vault.keys.kek, wrapped, table="records_person", record_id=2)
    with pytest.raises(TamperedCiphertext):
        unwrap_data_key(vault.keys.kek, wrapped, table="records_incident", record_id=1)


def test_it_refuses_a_field_ciphertext_passed_off_as_a_wrapped_key(vault):
    """Purposes are separated too: a field ciphertext under the KEK is not a data key."""
    from khronika.vault.crypto import encrypt_field

    blob = encrypt_field(vault.keys.kek, KEY, table="records_person", record_id=1, field="x")
    with pytest.raises(TamperedCiphertext):
        unwrap_data_key(vault.keys.kek, blob, table="records_person", record_id=1)
