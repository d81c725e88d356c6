"""Records' ciphertexts in format 2 (AES-256-GCM) where the processor has AES instructions: they open
on every machine, and any change to them is refused, as in format 1."""

from __future__ import annotations

import secrets

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from khronika.vault.crypto import TamperedCiphertext, aead, envelope

KEY = bytes(range(32))
AD = b"records_person|row"
PLAINTEXT = "Синтетический Тимур, +7 900 000-00-00".encode()


def _format_2(plaintext: bytes = PLAINTEXT, key: bytes = KEY, ad: bytes = AD) -> bytes:
    """A format-2 ciphertext made by OpenSSL (``cryptography``), not by the code under test."""
    nonce = secrets.token_bytes(aead.AES_NONCE_BYTES)
    version = bytes([aead.AES_VERSION])
    return version + nonce + AESGCM(key).encrypt(nonce, plaintext, version + ad)


@pytest.fixture(params=["libsodium", "cryptography"])
def read_path(request, monkeypatch):
    """Both ways format 2 is opened: libsodium with AES instructions, ``cryptography`` without."""
    if request.param == "cryptography":
        monkeypatch.setattr(aead, "HARDWARE_AES", False)
    elif not aead.HARDWARE_AES:
        pytest.fail("This machine's processor lacks the AES instructions libsodium's AES-GCM needs.")
    return request.param


def test_records_are_written_in_format_2_where_the_processor_has_aes():
    blob = aead.encrypt_record(KEY, PLAINTEXT, AD)

    assert blob[0] == (aead.AES_VERSION if aead.HARDWARE_AES else aead.VERSION)
    assert aead.decrypt(KEY, blob, AD) == PLAINTEXT


def test_without_aes_instructions_records_are_written_in_format_1(monkeypatch):
    monkeypatch.setattr(aead, "HARDWARE_AES", False)
    blob = aead.encrypt_record(KEY, PLAINTEXT, AD)

    assert blob[0] == aead.VERSION
    assert aead.decrypt(KEY, blob, AD) == PLAINTEXT


def test_data_keys_and_fields_use_the_record_format():
    wrapped = envelope.wrap_data_key(KEY, bytes(32), table="records_person", record_id="r1")
    field = envelope.encrypt_field(KEY, b"x", table="records_person", record_id="r1", field="given_name")

    assert wrapped[0] == field[0] == (aead.AES_VERSION if aead.HARDWARE_AES else aead.VERSION)


def test_format_2_opens_by_either_path(read_path):
    assert aead.decrypt(KEY, _format_2(), AD) == PLAINTEXT
    assert aead.decrypt(KEY, _format_2(b""), AD) == b""


def test_what_libsodium_writes_openssl_reads(monkeypatch):
    blob = aead.encrypt_record(KEY, PLAINTEXT, AD)
    monkeypatch.setattr(aead, "HARDWARE_AES", False)

    assert aead.decrypt(KEY, blob, AD) == PLAINTEXT


@pytest.mark.parametrize("position", [0, 1, 12, 13, 20, -17, -1])
def test_any_changed_byte_is_refused(read_path, position):
    blob = bytearray(_format_2())
    blob[position] ^= 0x01

    with pytest.raises(TamperedCiphertext):
        aead.decrypt(KEY, bytes(blob), AD)


def test_wrong_key_context_length_or_version_is_refused(read_path):
    blob = _format_2()

    with pytest.raises(TamperedCiphertext):
        aead.decrypt(bytes(32), blob, AD)
    with pytest.raises(TamperedCiphertext):
        aead.decrypt(KEY, blob, AD + b"other row")
    with pytest.raises(TamperedCiphertext):
        aead.decrypt(KEY, blob[:-1], AD)
    with pytest.raises(TamperedCiphertext, match="truncated"):
        aead.decrypt(KEY, blob[: aead.AES_HEADER_BYTES + aead.TAG_BYTES - 1], AD)
    with pytest.raises(TamperedCiphertext):  # passed off as format 1
        aead.decrypt(KEY, bytes([aead.VERSION]) + blob[1:], AD)
