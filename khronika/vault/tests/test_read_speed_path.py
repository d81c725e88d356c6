"""The faster read path (direct libsodium calls, Python unpadding, cached associated data and row
identity) reads exactly what the vault always wrote, and refuses exactly what it always refused."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_encrypt, sodium_unpad
from nacl.exceptions import CryptoError

from khronika.records.models import Person
from khronika.testing.factories import PersonFactory
from khronika.vault import fields
from khronika.vault.crypto import TamperedCiphertext, aead, envelope, from_text

# Written by the vault before this change (PyNaCl's binding, libsodium's unpadding), with fixed keys:
# whatever the read path becomes, these must keep opening.
FIELD_KEY = bytes(range(32))
KEK = bytes(range(32, 64))
RECORD = "0b6f7d2e-5d1c-4d7a-9a51-3f0f8a7c2e11"
OLD_NAME = (
    "kv:AQ9vZ5vZGh60TwgTTWWN9tULa-zaHWlH3uGRcoKyWuptGSJmQKnkZQGEEzK766ZRLHa6X88TyVk8GDF7quwRmbAMK64gcYga7g"
)
OLD_EMPTY = (
    "kv:AfObt_uvOJiEeWqf-SaxDcIaiCWlCopCEPy-heEeef6W0xdUzd_hia-jvVAniutTfhzjsmkW0-dcNPID6y7KXtEDKNG4VzYlyA"
)
OLD_WRAPPED_KEY = (
    "kv:AcC_SM0md6s1Yp0PCl9caarvi6rRKSnQ6oRgo7rWMOPo97dHyPtm51IliU_xN08JmXNl55SjxtH72XqFC6f3Sq_GJzeo3oLC6A"
)


def test_it_reads_field_values_written_before_the_change():
    name = envelope.decrypt_text(
        FIELD_KEY, OLD_NAME, table="records_person", record_id=RECORD, field="given_name"
    )
    assert name == "Иван Петрович Zzyzx"
    empty = envelope.decrypt_text(FIELD_KEY, OLD_EMPTY, table="records_person", record_id=7, field="notes")
    assert empty == ""


def test_it_unwraps_data_keys_wrapped_before_the_change():
    key = envelope.unwrap_data_key(KEK, from_text(OLD_WRAPPED_KEY), table="records_person", record_id=RECORD)
    assert key == FIELD_KEY


def test_it_still_binds_old_values_to_their_row_and_field():
    with pytest.raises(TamperedCiphertext):
        envelope.decrypt_text(FIELD_KEY, OLD_NAME, table="records_person", record_id=RECORD, field="notes")
    with pytest.raises(TamperedCiphertext):
        envelope.decrypt_text(
            FIELD_KEY, OLD_NAME, table="records_person", record_id=str(uuid.uuid4()), field="given_name"
        )


@settings(max_examples=200, deadline=None)
@given(
    purpose=st.sampled_from(["field", "data-key"]),
    table=st.text(min_size=1, max_size=20),
    record_id=st.one_of(st.integers(min_value=0), st.uuids(), st.text(min_size=1, max_size=40)),
    more=st.lists(st.text(max_size=20), max_size=2),
)
def test_the_cached_associated_data_is_byte_for_byte_the_documented_encoding(purpose, table, record_id, more):
    expected = aead.associated_data(purpose, table, str(record_id), *more)
    assert envelope._record_ad(purpose, table, record_id, *more) == expected


@settings(max_examples=200, deadline=None)
@given(
    table=st.text(min_size=1, max_size=20),
    record_id=st.one_of(st.integers(min_value=0), st.uuids(), st.text(min_size=1, max_size=40)),
    field=st.text(min_size=1, max_size=20),
)
def test_a_rows_associated_data_made_once_is_each_fields_documented_encoding(table, record_id, field):
    expected = aead.associated_data("field", table, str(record_id), field)
    assert envelope.field_ad(envelope.record_ad_prefix(table, record_id), field) == expected


@settings(max_examples=300, deadline=None)
@given(
    body=st.binary(max_size=70),
    tail=st.sampled_from(
        [b"", b"\x80", b"\x80\x00", b"\x80" + bytes(31), b"\x80" + bytes(32), b"\x01", b"\x00"]
    ),
)
def test_unpadding_accepts_and_refuses_what_libsodium_does(body, tail):
    padded = bytearray(body + tail)
    try:
        expected: int | None = len(sodium_unpad(bytes(padded), envelope.PAD_BLOCK))
    except CryptoError:
        expected = None
    try:
        found: int | None = envelope._unpadded_length(padded)
    except TamperedCiphertext:
        found = None
    assert found == expected


def _sealed_with_padding(padded: bytes, field: str) -> bytes:
    """A correctly authenticated field ciphertext whose plaintext is ``padded`` as given."""
    ad = bytes([aead.VERSION]) + envelope._record_ad("field", "records_person", RECORD, field)
    nonce = bytes(aead.NONCE_BYTES)
    return (
        bytes([aead.VERSION])
        + nonce
        + crypto_aead_xchacha20poly1305_ietf_encrypt(padded, ad, nonce, FIELD_KEY)
    )


@pytest.mark.parametrize(
    "padded",
    [b"", b"abc", b"abc\x80" + bytes(28) + b"\x01", b"\x80" + bytes(40)],
    ids=["empty", "no-marker", "junk-after-marker", "padding-longer-than-a-block"],
)
def test_it_refuses_an_authentic_value_with_broken_padding(padded):
    blob = _sealed_with_padding(padded, "given_name")
    with pytest.raises(TamperedCiphertext):
        envelope.decrypt_field(FIELD_KEY, blob, table="records_person", record_id=RECORD, field="given_name")


def test_it_refuses_truncated_and_unknown_version_ciphertexts():
    blob = aead.encrypt(FIELD_KEY, b"x", b"")
    with pytest.raises(TamperedCiphertext):
        aead.decrypt(FIELD_KEY, blob[: 1 + aead.NONCE_BYTES + aead.TAG_BYTES - 1], b"")
    with pytest.raises(TamperedCiphertext, match="version 3"):
        aead.decrypt(FIELD_KEY, b"\x03" + blob[1:], b"")


def test_it_rejects_a_key_of_the_wrong_length():
    blob = envelope.encrypt_field(FIELD_KEY, b"x", table="t", record_id=1, field="f")
    with pytest.raises(ValueError):
        envelope.decrypt_field(FIELD_KEY[:31], blob, table="t", record_id=1, field="f")


def test_an_empty_plaintext_round_trips_through_the_bare_cipher():
    assert aead.decrypt(FIELD_KEY, aead.encrypt(FIELD_KEY, b"", b"ad"), b"ad") == b""


def test_it_does_not_reuse_a_rows_cached_key_once_its_identity_changed(db):
    person = PersonFactory(given_name="Марат")
    loaded = Person.objects.get(pk=person.pk)
    stored = loaded.__dict__["given_name"]
    assert loaded.given_name == "Марат"  # fills the cache of the row's key and identity
    assert fields._DATA_KEY_CACHE in loaded.__dict__
    loaded.vault_id = uuid.uuid4()
    loaded.__dict__["given_name"] = stored  # the same ciphertext, now on a row claiming another identity
    with pytest.raises(TamperedCiphertext):
        _ = loaded.given_name
