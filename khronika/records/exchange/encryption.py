"""Encrypted exports: the gzip'd JSON Lines inside a secretstream, its file key sealed to a recipient.

Threat model 1 and 4: an export holds every name, narrative and evidence file of the instance, and it
travels (USB sticks, e-mail, another organisation's server). So ``khronika export`` encrypts by
default; a clear-text export needs a second coordinator's approval (``PlaintextExportApproval``).

Layout (docs/data-format.md, "Encryption")::

    "KXE1" | header length (4 bytes, big-endian) | header (JSON, UTF-8) | secretstream(gzip(JSON Lines))

The content is encrypted with a random file key as a libsodium secretstream
(``khronika.vault.streams``, the same code as stored files), so an export of any size streams in and
out with constant memory, and a truncated, reordered, extended or altered file is refused. The header
is authenticated with every chunk, and names how the file key is protected:

- ``recipient``: sealed box (X25519) to the recipient's public key; only the holder of the private key
  opens it. ``--recipient-key self`` seals to this organisation's own key, so another instance of the
  same organisation (same vault) imports it without any extra secret.
- ``passphrase``: wrapped (XChaCha20-Poly1305) under an Argon2id key of a passphrase; the Argon2
  parameters and salt are in the header.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from khronika.vault import state
from khronika.vault.crypto import KdfCost, KdfParams, TamperedCiphertext, aead, new_data_key, sealed
from khronika.vault.crypto.kdf import derive_passphrase_key

MAGIC = b"KXE1"
FORMAT = "khronika-export-encrypted"
VERSION = 1
MAX_HEADER_BYTES = 64 * 1024
_WRAP_AD = aead.associated_data("export-file-key", FORMAT)


class ExportKeyError(Exception):
    """The export cannot be opened with what was given (wrong passphrase, another recipient, damage)."""


@dataclass(frozen=True)
class ExportEncryption:
    """How a new export is encrypted: its file key and the clear header that says how to open it."""

    file_key: bytes
    header: bytes

    @classmethod
    def to_recipient(cls, public_key: bytes) -> ExportEncryption:
        """Only the holder of the private key matching ``public_key`` can open the export."""
        if len(public_key) != sealed.KEY_BYTES:
            raise ValueError("A recipient key is 32 bytes (64 hexadecimal characters).")
        file_key = new_data_key()
        header = {
            "format": FORMAT,
            "version": VERSION,
            "compression": "gzip",
            "recipient": {
                "public_key": public_key.hex(),
                "sealed_file_key": sealed.seal(public_key, file_key).hex(),
            },
        }
        return cls(file_key, _encode_header(header))

    @classmethod
    def with_passphrase(cls, passphrase: str, cost: KdfCost) -> ExportEncryption:
        """Whoever knows the passphrase can open the export; Argon2id makes guessing it expensive."""
        params = KdfParams.generate(cost)
        file_key = new_data_key()
        wrapped = aead.encrypt(derive_passphrase_key(passphrase, params), file_key, _WRAP_AD)
        header = {
            "format": FORMAT,
            "version": VERSION,
            "compression": "gzip",
            "passphrase": {"kdf": params.to_dict(), "wrapped_file_key": wrapped.hex()},
        }
        return cls(file_key, _encode_header(header))

    def write_preamble(self, out: IO[bytes]) -> None:
        out.write(MAGIC + struct.pack(">I", len(self.header)) + self.header)


def _encode_header(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")


def own_public_key() -> bytes:
    """This organisation's public key (for ``--recipient-key self``); needs an unsealed vault."""
    return sealed.public_key_of(state.keys().org_private_key)


def parse_recipient_key(value: str) -> bytes:
    """A recipient key given as ``self``, 64 hex characters, or a file holding either."""
    text = value.strip()
    if text == "self":
        return own_public_key()
    path = Path(text)
    if path.is_file():
        text = path.read_text(encoding="utf-8").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise ValueError(
            "The recipient key is neither 'self', a file, nor 64 hexadecimal characters."
        ) from None
    if len(key) != sealed.KEY_BYTES:
        raise ValueError("A recipient key is 32 bytes (64 hexadecimal characters).")
    return key


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as probe:
        return probe.read(len(MAGIC)) == MAGIC


@dataclass(frozen=True)
class EncryptedHeader:
    """The clear header of an encrypted export, as read (not yet proven authentic: every chunk is)."""

    raw: bytes
    data: dict[str, Any]

    @property
    def mode(self) -> str:
        return "recipient" if "recipient" in self.data else "passphrase"

    @property
    def recipient_public_key(self) -> bytes | None:
        recipient = self.data.get("recipient")
        return bytes.fromhex(recipient["public_key"]) if recipient else None


_DAMAGED = "This encrypted export is damaged or is not a Khronika export: its header cannot be read."


def read_header(raw: IO[bytes]) -> EncryptedHeader:
    """Read the clear preamble; ``raw`` is left at the start of the secretstream."""
    if raw.read(len(MAGIC)) != MAGIC:
        raise ExportKeyError(_DAMAGED)
    size_bytes = raw.read(4)
    if len(size_bytes) != 4:
        raise ExportKeyError(_DAMAGED)
    (size,) = struct.unpack(">I", size_bytes)
    if size > MAX_HEADER_BYTES:
        raise ExportKeyError(_DAMAGED)
    header = raw.read(size)
    try:
        data = json.loads(header)
        if data.get("format") != FORMAT or data.get("version") != VERSION:
            raise ExportKeyError(_DAMAGED)
        if not ("recipient" in data) ^ ("passphrase" in data):
            raise ExportKeyError(_DAMAGED)
    except (ValueError, AttributeError):
        raise ExportKeyError(_DAMAGED) from None
    return EncryptedHeader(header, data)


def read_header_of(path: Path) -> EncryptedHeader:
    with path.open("rb") as raw:
        return read_header(raw)


@dataclass(frozen=True)
class ExportDecryption:
    """The opened file key of one export, so that the importer's two passes need one Argon2 run."""

    file_key: bytes
    header: bytes


def open_with_private_key(header: EncryptedHeader, private_key: bytes) -> ExportDecryption:
    recipient = header.data.get("recipient")
    if not recipient:
        raise ExportKeyError("This export is protected by a passphrase, not by a recipient key.")
    if sealed.public_key_of(private_key) != header.recipient_public_key:
        raise ExportKeyError(
            "This export was encrypted for another recipient key: the key given cannot open it."
        )
    try:
        file_key = sealed.open_sealed(private_key, bytes.fromhex(recipient["sealed_file_key"]))
    except (TamperedCiphertext, ValueError, KeyError):
        raise ExportKeyError(_DAMAGED) from None
    return ExportDecryption(file_key, header.raw)


def open_with_passphrase(header: EncryptedHeader, passphrase: str) -> ExportDecryption:
    protection = header.data.get("passphrase")
    if not protection:
        raise ExportKeyError("This export is encrypted to a recipient key, not to a passphrase.")
    try:
        params = KdfParams.from_dict(protection["kdf"])
        wrapped = bytes.fromhex(protection["wrapped_file_key"])
    except (ValueError, KeyError, TypeError):
        raise ExportKeyError(_DAMAGED) from None
    try:
        file_key = aead.decrypt(derive_passphrase_key(passphrase, params), wrapped, _WRAP_AD)
    except TamperedCiphertext:
        raise ExportKeyError(
            "This passphrase does not open the export. Check the keyboard layout and Caps Lock. "
            "Nothing was imported."
        ) from None
    return ExportDecryption(file_key, header.raw)
