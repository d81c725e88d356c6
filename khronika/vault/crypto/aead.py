"""The authenticated-encryption formats of everything the vault encrypts with a symmetric key.

XChaCha20-Poly1305 (libsodium through PyNaCl): its 24-byte nonces are safe to draw at random for any
number of messages under one key, so no counter has to survive restarts or be shared between
processes (a repeated nonce under AES-GCM or ChaCha20's 12-byte nonce would leak plaintext and the
authentication key). Every ciphertext carries associated data naming where it belongs, so one copied
to another row, field or purpose fails authentication (threat: an insider or a seized-and-returned
database with swapped values).

Encoding: ``version (1 byte) | nonce (24) | ciphertext + tag (16)``; the version byte is also
authenticated, so a ciphertext cannot be passed off as another format. ``to_text`` gives the form
stored in text columns.

Records (``encrypt_record``): a record's fields under its own data key, and its data key under the
KEK, are encrypted with AES-256-GCM where the processor has AES instructions (version 2:
``2 | nonce (12) | ciphertext + tag (16)``), else as above. Reading 100,000 rows opens two
ciphertexts per row, and libsodium's AES-GCM with the processor's instructions takes half the time of
XChaCha20-Poly1305 for a 2 KB narrative (a third for a short name; benchmarks/vault_overhead.py).
Its 12-byte random nonces are safe here: a data key encrypts one row's few values over its life, and
the KEK wraps one data key per row, far below the 2^32 messages per key that random 96-bit nonces
allow. Every machine reads both versions: without AES instructions, version 2 is opened by the
``cryptography`` package (OpenSSL's constant-time AES), so a backup restores anywhere.

Speed: reading 100,000 incidents decrypts hundreds of thousands of small values, where PyNaCl's
public binding (seven argument checks, two cffi allocations and a copy of the plaintext per call)
cost several times what libsodium itself does. ``decrypt`` and ``open_into`` therefore call the same
libsodium function through PyNaCl's own cffi module (``nacl._sodium``, private but the module
``nacl.bindings`` itself calls; PyNaCl is pinned in requirements/base.lock and the vault's tests
exercise this path), with the checks done once here and the plaintext written straight into the
buffer that is returned. Same function, same format, same authentication: only the Python around
it is shorter.
"""

from __future__ import annotations

import binascii
import secrets
from typing import Any

import pybase64
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from nacl._sodium import ffi, lib  # PyNaCl's cffi binding of libsodium, which nacl.bindings wraps
from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_encrypt

from .errors import TamperedCiphertext

VERSION = 1
AES_VERSION = 2
KEY_BYTES = 32
NONCE_BYTES = 24
AES_NONCE_BYTES = 12
TAG_BYTES = 16
TEXT_PREFIX = "kv:"
HEADER_BYTES = 1 + NONCE_BYTES
AES_HEADER_BYTES = 1 + AES_NONCE_BYTES
_VERSION_BYTE = bytes([VERSION])
_AES_VERSION_BYTE = bytes([AES_VERSION])
# libsodium offers AES-256-GCM only with the processor's AES and carry-less multiply instructions,
# which it detects in sodium_init (idempotent; PyNaCl's bindings call it on import too).
lib.sodium_init()
HARDWARE_AES = bool(lib.crypto_aead_aes256gcm_is_available())
# Looked up once: these run for every encrypted value read.
_NULL = ffi.NULL
_from_buffer = ffi.from_buffer
_xchacha20poly1305_decrypt = lib.crypto_aead_xchacha20poly1305_ietf_decrypt
_aes256gcm_encrypt = lib.crypto_aead_aes256gcm_encrypt
_aes256gcm_decrypt = lib.crypto_aead_aes256gcm_decrypt
# pybase64 (SIMD): the standard library's base64 decodes byte by byte, 10 µs for a 3 KB narrative,
# more than decrypting it; same alphabet, same output, same strictness.
_b64encode = pybase64.b64encode
_b64decode = pybase64.b64decode
_URLSAFE = b"-_"


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
    nonce = secrets.token_bytes(NONCE_BYTES)
    return (
        _VERSION_BYTE
        + nonce
        + crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, _VERSION_BYTE + ad, nonce, key)
    )


def encrypt_record(key: bytes, plaintext: bytes, ad: bytes) -> bytes:
    """``encrypt`` for a record's values and data key: AES-256-GCM (version 2) where the processor has
    AES instructions, XChaCha20-Poly1305 (version 1) elsewhere; ``decrypt`` opens either."""
    if not HARDWARE_AES:
        return encrypt(key, plaintext, ad)
    _check_key(key)
    nonce = secrets.token_bytes(AES_NONCE_BYTES)
    versioned_ad = _AES_VERSION_BYTE + ad
    sealed = bytearray(len(plaintext) + TAG_BYTES)
    _aes256gcm_encrypt(
        _from_buffer(sealed),
        _NULL,
        plaintext,
        len(plaintext),
        versioned_ad,
        len(versioned_ad),
        _NULL,
        nonce,
        key,
    )
    return _AES_VERSION_BYTE + nonce + sealed


def decrypt(key: bytes, blob: bytes, ad: bytes) -> bytes:
    """Plaintext, or ``TamperedCiphertext`` for any damage, wrong context or wrong key."""
    return bytes(open_into(key, blob, ad))


def open_into(key: bytes, blob: bytes, ad: bytes) -> bytearray:
    """``decrypt``, returning the plaintext in a new ``bytearray`` (callers that trim or decode it
    need no further copy)."""
    if len(key) != KEY_BYTES:
        _check_key(key)
    version = blob[0] if blob else -1
    header = AES_HEADER_BYTES if version == AES_VERSION else HEADER_BYTES
    size = len(blob) - header - TAG_BYTES
    if size < 0:
        raise TamperedCiphertext("Encrypted data is truncated: it is shorter than any valid ciphertext.")
    if version == AES_VERSION:
        return _open_aes(key, blob, ad, size)
    if version != VERSION:
        raise TamperedCiphertext(
            f"Encrypted data has format version {blob[0]}, which this Khronika does not know "
            "(written by a newer version, or damaged)."
        )
    # The version byte is authenticated too (checked equal above).
    return _libsodium_open(_xchacha20poly1305_decrypt, key, blob, _VERSION_BYTE + ad, HEADER_BYTES, size)


def _open_aes(key: bytes, blob: bytes, ad: bytes, size: int) -> bytearray:
    """Version 2 (AES-256-GCM): libsodium with the processor's instructions, else ``cryptography``."""
    versioned_ad = _AES_VERSION_BYTE + ad
    if not HARDWARE_AES:
        try:
            return bytearray(
                AESGCM(key).decrypt(blob[1:AES_HEADER_BYTES], blob[AES_HEADER_BYTES:], versioned_ad)
            )
        except InvalidTag:
            raise TamperedCiphertext() from None
    return _libsodium_open(_aes256gcm_decrypt, key, blob, versioned_ad, AES_HEADER_BYTES, size)


def _libsodium_open(
    decrypt_function: Any, key: bytes, blob: bytes, versioned_ad: bytes, header: int, size: int
) -> bytearray:
    """One libsodium AEAD decryption of ``blob`` (``version | nonce | ciphertext + tag``, the nonce
    ``header - 1`` bytes long) into a new buffer of ``size`` bytes.

    libsodium checks the tag over the whole ciphertext and associated data before it writes any
    plaintext, and returns -1 (writing nothing usable) for a wrong key, context or any changed bit.
    """
    plaintext = bytearray(size)
    source = _from_buffer(blob)
    failed = decrypt_function(
        _from_buffer(plaintext),
        _NULL,
        _NULL,
        source + header,
        size + TAG_BYTES,
        versioned_ad,
        len(versioned_ad),
        source + 1,
        _from_buffer(key),
    )
    if failed:
        raise TamperedCiphertext()  # no libsodium detail: there is none worth logging
    return plaintext


def to_text(blob: bytes) -> str:
    """ASCII form for text columns and JSON: ``kv:`` then URL-safe base64 without padding."""
    return TEXT_PREFIX + _b64encode(blob, altchars=_URLSAFE).decode("ascii").rstrip("=")


def from_text(text: str) -> bytes:
    if not text.startswith(TEXT_PREFIX):
        raise TamperedCiphertext("This value is not vault ciphertext (it lacks the kv: prefix).")
    body = text[len(TEXT_PREFIX) :]
    try:
        # Strict: any character outside the URL-safe alphabet (or a misplaced "=") is refused here,
        # before the authentication tag would refuse it anyway.
        return _b64decode(body + "=" * (-len(body) % 4), altchars=_URLSAFE, validate=True)
    except (binascii.Error, ValueError) as exc:  # ValueError: a character outside ASCII
        raise TamperedCiphertext("Encrypted text is damaged: it is not valid base64.") from exc
