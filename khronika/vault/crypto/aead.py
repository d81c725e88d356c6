"""One authenticated-encryption format for everything the vault encrypts with a symmetric key.

XChaCha20-Poly1305 (libsodium through PyNaCl): its 24-byte nonces are safe to draw at random for any
number of messages under one key, so no counter has to survive restarts or be shared between
processes (a repeated nonce under AES-GCM or ChaCha20's 12-byte nonce would leak plaintext and the
authentication key). Every ciphertext carries associated data naming where it belongs, so one copied
to another row, field or purpose fails authentication (threat: an insider or a seized-and-returned
database with swapped values).

Encoding: ``version (1 byte) | nonce (24) | ciphertext + tag (16)``; the version byte is also
authenticated, so a ciphertext cannot be passed off as another format. ``to_text`` gives the form
stored in text columns.
"""

from __future__ import annotations

import base64
import binascii
import secrets

from nacl.bindings import (
    crypto_aead_xchacha20poly1305_ietf_decrypt,
    crypto_aead_xchacha20poly1305_ietf_encrypt,
)
from nacl.exceptions import CryptoError

from .errors import TamperedCiphertext

VERSION = 1
KEY_BYTES = 32
NONCE_BYTES = 24
TAG_BYTES = 16
TEXT_PREFIX = "kv:"
_FROM_URL_SAFE = bytes.maketrans(b"-_", b"+/")


def associated_data(purpose: str, *parts: str) -> bytes:
    """Unambiguous encoding of the context a ciphertext belongs to: each part length-prefixed, so
    ("ab", "c") and ("a", "bc") differ."""
    out = bytearray()
    for part in (purpose, *parts):
        raw = part.encode("utf-8")
        out += len(raw).to_bytes(4, "big") + raw
    return bytes(out)


def _check_key(key: bytes) -> None:
    if len(key) != KEY_BYTES:
        raise ValueError(f"An encryption key is {KEY_BYTES} bytes.")


def encrypt(key: bytes, plaintext: bytes, ad: bytes) -> bytes:
    _check_key(key)
    version = bytes([VERSION])
    nonce = secrets.token_bytes(NONCE_BYTES)
    return version + nonce + crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, version + ad, nonce, key)


def decrypt(key: bytes, blob: bytes, ad: bytes) -> bytes:
    """Plaintext, or ``TamperedCiphertext`` for any damage, wrong context or wrong key."""
    _check_key(key)
    if len(blob) < 1 + NONCE_BYTES + TAG_BYTES:
        raise TamperedCiphertext("Encrypted data is truncated: it is shorter than any valid ciphertext.")
    if blob[0] != VERSION:
        raise TamperedCiphertext(
            f"Encrypted data has format version {blob[0]}, which this Khronika does not know "
            "(written by a newer version, or damaged)."
        )
    nonce, body = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        return crypto_aead_xchacha20poly1305_ietf_decrypt(body, blob[:1] + ad, nonce, key)
    except CryptoError:
        raise TamperedCiphertext() from None  # no chained libsodium detail: there is none worth logging


def to_text(blob: bytes) -> str:
    """ASCII form for text columns and JSON: ``kv:`` then URL-safe base64 without padding."""
    return TEXT_PREFIX + base64.urlsafe_b64encode(blob).decode("ascii").rstrip("=")


def from_text(text: str) -> bytes:
    if not text.startswith(TEXT_PREFIX):
        raise TamperedCiphertext("This value is not vault ciphertext (it lacks the kv: prefix).")
    try:
        body = text[len(TEXT_PREFIX) :].encode("ascii").translate(_FROM_URL_SAFE)
        # binascii's strict mode validates in C; base64.b64decode(validate=True) runs a regular
        # expression over every value, which was a third of the cost of reading a narrative.
        return binascii.a2b_base64(body + b"=" * (-len(body) % 4), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise TamperedCiphertext("Encrypted text is damaged: it is not valid base64.") from exc
