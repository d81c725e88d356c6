"""Any change to stored ciphertext, however small, is refused with TamperedCiphertext."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khronika.vault.crypto import (
    TamperedCiphertext,
    decrypt_field,
    decrypt_text,
    encrypt_field,
    new_data_key,
    to_text,
)

KEY = new_data_key()
WHERE: dict[str, Any] = {"table": "records_incident", "record_id": 7, "field": "narrative"}
BLOB = encrypt_field(KEY, "Задержан у метро, телефон изъят.".encode(), **WHERE)


@settings(max_examples=200, deadline=None)
@given(position=st.integers(min_value=0, max_value=len(BLOB) - 1), bit=st.integers(min_value=0, max_value=7))
def test_it_refuses_any_flipped_bit(position, bit):
    flipped = bytearray(BLOB)
    flipped[position] ^= 1 << bit
    with pytest.raises(TamperedCiphertext):
        decrypt_field(KEY, bytes(flipped), **WHERE)


def test_it_refuses_truncated_or_extended_ciphertext():
    for damaged in (BLOB[:-1], BLOB[:10], b"", BLOB + b"\x00"):
        with pytest.raises(TamperedCiphertext):
            decrypt_field(KEY, damaged, **WHERE)


def test_it_names_an_unknown_format_version():
    with pytest.raises(TamperedCiphertext, match="format version 9"):
        decrypt_field(KEY, b"\x09" + BLOB[1:], **WHERE)


def test_it_refuses_the_wrong_key():
    with pytest.raises(TamperedCiphertext):
        decrypt_field(new_data_key(), BLOB, **WHERE)


def test_it_refuses_damaged_or_plain_text_in_a_text_column():
    stored = to_text(BLOB)
    with pytest.raises(TamperedCiphertext):
        decrypt_text(KEY, stored[:-3] + ("A" if stored[-3] != "A" else "B") + stored[-2:], **WHERE)
    with pytest.raises(TamperedCiphertext, match="kv: prefix"):
        decrypt_text(KEY, "Задержан у метро", **WHERE)


@pytest.mark.parametrize("inserted", [" !", "ж", "=", "\n"])
def test_it_refuses_text_that_is_not_base64(inserted):
    with pytest.raises(TamperedCiphertext, match="not valid base64"):
        decrypt_text(KEY, to_text(BLOB)[:20] + inserted + to_text(BLOB)[20:], **WHERE)
