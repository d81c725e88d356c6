"""The organisation key pair: anyone can encrypt to it, only the unsealed vault can decrypt.

Threat: anonymous submissions arrive while the server may be sealed (after a restart or a panic) and
must never sit on disk in clear. A libsodium sealed box (X25519 + XSalsa20-Poly1305 with an ephemeral
sender key) needs only the public key, which is stored in clear in the keyring; the private key is
stored wrapped by the KEK (``keys.py``) and exists in memory only after an unseal. A sealed box does
not say who sent it, which suits anonymous intake; it does not authenticate the sender either.

Encoding: ``version (1 byte) | sealed box``.
"""

from __future__ import annotations

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from .errors import TamperedCiphertext

VERSION = 1
KEY_BYTES = 32


def generate_keypair() -> tuple[bytes, bytes]:
    """A new X25519 key pair as raw bytes: ``(public_key, private_key)``."""
    private = PrivateKey.generate()
    return bytes(private.public_key), bytes(private)


def public_key_of(private_key: bytes) -> bytes:
    return bytes(PrivateKey(private_key).public_key)


def seal(public_key: bytes, plaintext: bytes) -> bytes:
    """Who can decrypt: only a holder of the organisation's private key, i.e. an unsealed vault.
    Works with the public key alone, so intake keeps accepting while the server is sealed; the
    sender's own process cannot decrypt what it just sealed."""
    return bytes([VERSION]) + SealedBox(PublicKey(public_key)).encrypt(plaintext)


def open_sealed(private_key: bytes, blob: bytes) -> bytes:
    """The plaintext, or ``TamperedCiphertext`` when damaged or sealed to another organisation key."""
    if not blob or blob[0] != VERSION:
        raise TamperedCiphertext("This sealed submission is damaged or in an unknown format.")
    try:
        return SealedBox(PrivateKey(private_key)).decrypt(blob[1:])
    except CryptoError:
        raise TamperedCiphertext(
            "This sealed submission cannot be opened: it is damaged or was sealed to another key."
        ) from None
