"""Fields encrypted with a record's data key come back exactly, and nothing of them shows outside."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from khronika.vault.crypto import (
    decrypt_field,
    decrypt_text,
    encrypt_field,
    encrypt_text,
    from_text,
    new_data_key,
    unwrap_data_key,
    wrap_data_key,
)

KEY = new_data_key()
WHERE: dict[str, Any] = {"table": "records_person", "record_id": 42, "field": "full_name"}


@settings(max_examples=100, deadline=None)
@given(text=st.text())
def test_any_text_round_trips(text):
    stored = encrypt_text(KEY, text, **WHERE)
    assert stored.startswith("kv:") and stored.isascii()
    assert decrypt_text(KEY, stored, **WHERE) == text


@settings(max_examples=50, deadline=None)
@given(value=st.binary(max_size=5000))
def test_any_bytes_round_trip(value):
    assert decrypt_field(KEY, encrypt_field(KEY, value, **WHERE), **WHERE) == value


def test_the_ciphertext_shows_neither_the_value_nor_its_encodings():
    name = "Сентинел Маркерович Zzyzx"
    stored = encrypt_text(KEY, name, **WHERE)
    raw = from_text(stored)
    for form in (name.encode(), name.encode("utf-16-le"), name.encode("utf-16-be")):
        assert form not in raw
    assert "Zzyzx" not in stored


def test_the_same_value_encrypts_differently_each_time():
    """Random nonces: equal names in two rows do not produce equal ciphertexts (blind indexes, which
    are keyed and deliberate, are the only equality a database reader sees)."""
    assert encrypt_text(KEY, "Иван", **WHERE) != encrypt_text(KEY, "Иван", **WHERE)


def test_short_values_of_different_lengths_look_the_same_size():
    """Padding to 32 bytes: the ciphertext does not tell a two-letter name from a ten-letter one."""
    assert len(encrypt_text(KEY, "Ян", **WHERE)) == len(encrypt_text(KEY, "Александра", **WHERE))


def test_a_wrapped_data_key_unwraps_with_the_kek(vault):
    data_key = new_data_key()
    wrapped = wrap_data_key(vault.keys.kek, data_key, table="records_person", record_id=42)
    assert data_key not in wrapped
    assert unwrap_data_key(vault.keys.kek, wrapped, table="records_person", record_id="42") == data_key
