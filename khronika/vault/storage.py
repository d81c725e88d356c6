"""File storage that encrypts every stored file (evidence, attachments) with its own key.

Threat model 1: the file store of a seized server holds only ciphertext. Each file gets a random key,
wrapped by the key-encryption key and bound to the file's storage name; the content is encrypted as a
libsodium secretstream (XChaCha20-Poly1305 in chunks; the one implementation is
``khronika.vault.streams``), so large files stream in both directions, and a truncated, reordered or
altered file fails instead of yielding partial evidence.

Deleting the file destroys its wrapped key with it (crypto-shredding, as for records).
"""

from __future__ import annotations

import io
import struct
from typing import Any

from django.core.files.base import File
from django.core.files.storage import FileSystemStorage

from khronika.vault import state
from khronika.vault.crypto import (
    TamperedCiphertext,
    VaultKeys,
    new_data_key,
    unwrap_data_key,
    wrap_data_key,
)
from khronika.vault.streams import CHUNK, DecryptingReader, IterFile, encrypt_chunks

MAGIC = b"KVF1"
TABLE = "file"  # the wrapped key is bound to ("file", storage name)

__all__ = ["CHUNK", "MAGIC", "TABLE", "DecryptingReader", "EncryptedFileSystemStorage"]


class EncryptedFileSystemStorage(FileSystemStorage):
    """Django's file-system storage with every file encrypted (requires an unsealed vault)."""

    def _save(self, name: str, content: Any) -> str:
        keys = state.keys()
        file_key = new_data_key()
        wrapped = wrap_data_key(keys.kek, file_key, table=TABLE, record_id=name)
        if hasattr(content, "seek"):
            content.seek(0)
        source = content.file if hasattr(content, "file") and content.file is not None else content

        def encrypted() -> Any:
            yield MAGIC + struct.pack(">H", len(wrapped)) + wrapped
            yield from encrypt_chunks(source, file_key)

        stored: str = super()._save(  # type: ignore[misc]  # _save is private in django-stubs
            name,
            File(IterFile(encrypted()), name=name),  # type: ignore[arg-type]  # a binary file
        )
        return stored

    def _open(self, name: str, mode: str = "rb") -> File:  # type: ignore[type-arg]  # django-stubs generic
        if "w" in mode or "a" in mode:
            raise ValueError("Encrypted files are written through save(), not opened for writing.")
        keys = state.keys()
        raw = open(self.path(name), "rb")  # noqa: SIM115  # closed by the reader
        try:
            if raw.read(len(MAGIC)) != MAGIC:
                raise TamperedCiphertext()
            (length,) = struct.unpack(">H", raw.read(2))
            file_key = unwrap_file_key(keys, raw.read(length), name)
            reader = DecryptingReader(raw, file_key)
        except BaseException:
            raw.close()
            raise
        return File(io.BufferedReader(reader, CHUNK), name=name)


def unwrap_file_key(keys: VaultKeys, wrapped: bytes, name: str) -> bytes:
    """The file's key; while a key rotation is in progress, a header not yet rewrapped opens with the
    previous KEK (khronika.vault.rotation rewrites the header only)."""
    try:
        return unwrap_data_key(keys.kek, wrapped, table=TABLE, record_id=name)
    except TamperedCiphertext:
        if keys.previous is None:
            raise
        return unwrap_data_key(keys.previous.kek, wrapped, table=TABLE, record_id=name)
