"""File storage that encrypts every stored file (evidence, attachments) with its own key.

Threat model 1: the file store of a seized server holds only ciphertext. Each file gets a random key,
wrapped by the key-encryption key and bound to the file's storage name; the content is encrypted as a
libsodium secretstream (XChaCha20-Poly1305 in chunks), so large files stream in both directions, and a
truncated, reordered or altered file fails instead of yielding partial evidence.

Deleting the file destroys its wrapped key with it (crypto-shredding, as for records).
"""

from __future__ import annotations

import io
import struct
from typing import IO, Any

from django.core.files.base import File
from django.core.files.storage import FileSystemStorage
from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_ABYTES,
    crypto_secretstream_xchacha20poly1305_HEADERBYTES,
    crypto_secretstream_xchacha20poly1305_init_pull,
    crypto_secretstream_xchacha20poly1305_init_push,
    crypto_secretstream_xchacha20poly1305_pull,
    crypto_secretstream_xchacha20poly1305_push,
    crypto_secretstream_xchacha20poly1305_state,
    crypto_secretstream_xchacha20poly1305_TAG_FINAL,
    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
)
from nacl.exceptions import CryptoError

from khronika.vault import state
from khronika.vault.crypto import TamperedCiphertext, new_data_key, unwrap_data_key, wrap_data_key

MAGIC = b"KVF1"
CHUNK = 64 * 1024
TABLE = "file"  # the wrapped key is bound to ("file", storage name)


def _push_chunks(content: IO[bytes], key: bytes) -> Any:
    stream = crypto_secretstream_xchacha20poly1305_state()
    yield crypto_secretstream_xchacha20poly1305_init_push(stream, key)
    chunk = content.read(CHUNK)
    while True:
        following = content.read(CHUNK)
        tag = (
            crypto_secretstream_xchacha20poly1305_TAG_FINAL
            if not following
            else crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
        )
        yield crypto_secretstream_xchacha20poly1305_push(stream, chunk, None, tag)
        if not following:
            return
        chunk = following


class DecryptingReader(io.RawIOBase):
    """Reads a stored file back in clear, chunk by chunk; never writes the clear text anywhere."""

    def __init__(self, raw: IO[bytes], key: bytes) -> None:
        self._raw = raw
        self._stream = crypto_secretstream_xchacha20poly1305_state()
        header = raw.read(crypto_secretstream_xchacha20poly1305_HEADERBYTES)
        try:
            crypto_secretstream_xchacha20poly1305_init_pull(self._stream, header, key)
        except (CryptoError, ValueError):
            raise TamperedCiphertext() from None
        self._buffer = b""
        self._finished = False

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> bytes:
        sealed = self._raw.read(CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES)
        if not sealed:
            raise TamperedCiphertext()  # the final chunk never came: the file was cut short
        try:
            clear, tag = crypto_secretstream_xchacha20poly1305_pull(self._stream, sealed, None)
        except (CryptoError, ValueError):
            raise TamperedCiphertext() from None
        if tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL:
            self._finished = True
        return bytes(clear)

    def readinto(self, buffer: Any) -> int:
        while not self._buffer and not self._finished:
            self._buffer = self._next_chunk()
        count = min(len(buffer), len(self._buffer))
        buffer[:count] = self._buffer[:count]
        self._buffer = self._buffer[count:]
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


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
            yield from _push_chunks(source, file_key)

        stored: str = super()._save(  # type: ignore[misc]  # _save is private in django-stubs
            name,
            File(_IterFile(encrypted()), name=name),  # type: ignore[arg-type]  # a binary file
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
            file_key = unwrap_data_key(keys.kek, raw.read(length), table=TABLE, record_id=name)
            reader = DecryptingReader(raw, file_key)
        except BaseException:
            raw.close()
            raise
        return File(io.BufferedReader(reader, CHUNK), name=name)


class _IterFile(io.RawIOBase):
    """A read-only file over an iterator of byte strings, so that ``_save`` streams without temp files."""

    def __init__(self, chunks: Any) -> None:
        self._chunks = chunks
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        count = min(len(buffer), len(self._buffer))
        buffer[:count] = self._buffer[:count]
        self._buffer = self._buffer[count:]
        return count
