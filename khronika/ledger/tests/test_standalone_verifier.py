"""The standard-library verifier shipped to courts checks signatures and hashes as the ledger makes them.

verify_bundle.py repeats the ledger's encodings and carries its own Ed25519 code (a court has only a
plain Python). These tests fail if either drifts from what khronika/ledger signs and hashes.
"""

import os

import pytest
from django.utils import timezone
from nacl.signing import SigningKey

from khronika.ledger import verify_bundle
from khronika.ledger.chain import entry_hash, format_time
from khronika.ledger.proof import canonical_json, checkpoint_message

# RFC 8032, section 7.1, tests 1 to 3: (public key, message, signature).
RFC_8032_VECTORS = [
    (
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
        "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
        "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
        "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
]


@pytest.mark.parametrize(("public_key", "message", "signature"), RFC_8032_VECTORS)
def test_it_accepts_the_rfc_8032_test_vectors(public_key, message, signature):
    assert verify_bundle.ed25519_verify(
        bytes.fromhex(public_key), bytes.fromhex(message), bytes.fromhex(signature)
    )


@pytest.mark.parametrize(("public_key", "message", "signature"), RFC_8032_VECTORS)
def test_it_rejects_a_changed_message_or_signature(public_key, message, signature):
    key, sig = bytes.fromhex(public_key), bytearray.fromhex(signature)
    assert not verify_bundle.ed25519_verify(key, bytes.fromhex(message) + b"x", bytes(sig))
    sig[5] ^= 1
    assert not verify_bundle.ed25519_verify(key, bytes.fromhex(message), bytes(sig))


def test_it_agrees_with_pynacl_on_checkpoint_messages():
    key = SigningKey.generate()
    message = checkpoint_message(42, "ab" * 32, format_time(timezone.now()))
    signature = key.sign(message).signature
    public = bytes(key.verify_key)
    assert verify_bundle.ed25519_verify(public, message, signature)
    assert not verify_bundle.ed25519_verify(bytes(SigningKey.generate().verify_key), message, signature)
    assert not verify_bundle.ed25519_verify(public, message.replace(b"42", b"43"), signature)


def test_it_rejects_a_signature_with_an_oversized_scalar():
    """S must be below the group order (RFC 8032 5.1.7), or signatures become malleable."""
    public, message, signature = (bytes.fromhex(v) for v in RFC_8032_VECTORS[0])
    s = int.from_bytes(signature[32:], "little") + verify_bundle._L
    assert not verify_bundle.ed25519_verify(public, message, signature[:32] + s.to_bytes(32, "little"))


def test_its_encodings_mirror_the_ledgers():
    at = timezone.now()
    fields = (7, "user:3", "export", "records.incident", "5f0e", "cd" * 32)
    assert verify_bundle.entry_digest(fields[0], format_time(at), *fields[1:]) == entry_hash(
        fields[0], at, *fields[1:]
    )
    assert verify_bundle.checkpoint_message(7, "ab" * 32, "t") == checkpoint_message(7, "ab" * 32, "t")
    value = {"b": [1, "é"], "a": os.urandom(4).hex()}
    assert verify_bundle.canonical_json(value) == canonical_json(value)
