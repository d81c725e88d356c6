"""Streaming authenticated encryption: one implementation for stored files, exports and backups.

libsodium's secretstream (XChaCha20-Poly1305 in 64 KiB chunks, each chunk authenticated and chained
to the previous one, the last one tagged FINAL) lets gigabytes flow in and out with constant memory
and still refuses anything altered. Threats it answers: a file store, export or backup archive edited
on a seized disk or in transit (any changed bit fails), cut short (the FINAL chunk never arrives),
reordered (chunks are chained) or extended (bytes after the FINAL chunk are refused). Having one
implementation means one place to review; ``storage.py``, exports and ``backup.py`` all use it.

``ad`` (associated data) binds the ciphertext to a clear header: the header of an export or backup is
authenticated with every chunk, so nobody can swap it for another one.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO, Any

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

from khronika.vault.crypto import TamperedCiphertext

CHUNK = 64 * 1024
HEADER_BYTES: int = crypto_secretstream_xchacha20poly1305_HEADERBYTES
SEALED_CHUNK = CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES


def encrypt_chunks(content: IO[bytes], key: bytes, ad: bytes | None = None) -> Iterator[bytes]:
    """The stream header, then each sealed chunk of ``content`` (the last one tagged FINAL)."""
    stream = crypto_secretstream_xchacha20poly1305_state()
    yield crypto_secretstream_xchacha20poly1305_init_push(stream, key)
    chunk = _read_full(content, CHUNK)
    while True:
        following = _read_full(content, CHUNK)
        tag = (
            crypto_secretstream_xchacha20poly1305_TAG_FINAL
            if not following
            else crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
        )
        yield crypto_secretstream_xchacha20poly1305_push(stream, chunk, ad, tag)
        if not following:
            return
        chunk = following


def _read_full(source: IO[bytes], size: int) -> bytes:
    """Exactly ``size`` bytes unless the source ends: every non-final chunk must be full-sized,
    because the reader reads sealed chunks by their fixed size (a short read from a pipe or a
    decompressor must not split a chunk)."""
    parts: list[bytes] = []
    missing = size
    while missing:
        part = source.read(missing)
        if not part:
            break
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


class EncryptingWriter(io.RawIOBase):
    """A writable file that encrypts into ``raw`` as it is written (for ``gzip`` or JSON writers).

    ``close()`` writes the FINAL chunk; a writer that is never closed leaves a stream the reader
    refuses as cut short, which is what a crashed export must look like. ``raw`` is not closed.
    """

    def __init__(self, raw: IO[bytes], key: bytes, ad: bytes | None = None) -> None:
        self._raw = raw
        self._ad = ad
        self._stream = crypto_secretstream_xchacha20poly1305_state()
        raw.write(crypto_secretstream_xchacha20poly1305_init_push(self._stream, key))
        self._buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._buffer += bytes(data)
        # Strictly more than a chunk: the last bytes wait for close() and go out as the FINAL chunk,
        # the same layout encrypt_chunks produces.
        while len(self._buffer) > CHUNK:
            chunk = bytes(self._buffer[:CHUNK])
            del self._buffer[:CHUNK]
            self._raw.write(
                crypto_secretstream_xchacha20poly1305_push(
                    self._stream, chunk, self._ad, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
                )
            )
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._raw.write(
                crypto_secretstream_xchacha20poly1305_push(
                    self._stream,
                    bytes(self._buffer),
                    self._ad,
                    crypto_secretstream_xchacha20poly1305_TAG_FINAL,
                )
            )
            self._buffer = bytearray()
        super().close()


class DecryptingReader(io.RawIOBase):
    """Reads a secretstream back in clear, chunk by chunk; never writes the clear text anywhere.

    Raises ``TamperedCiphertext`` on a wrong key, any altered byte, a missing FINAL chunk (cut short)
    or bytes after it (something appended). Closing it closes ``raw``.
    """

    def __init__(self, raw: IO[bytes], key: bytes, ad: bytes | None = None) -> None:
        self._raw = raw
        self._ad = ad
        self._stream = crypto_secretstream_xchacha20poly1305_state()
        header = raw.read(HEADER_BYTES)
        try:
            crypto_secretstream_xchacha20poly1305_init_pull(self._stream, header, key)
        except (CryptoError, ValueError):
            raise TamperedCiphertext() from None
        self._buffer = b""
        self._finished = False

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> bytes:
        sealed = _read_full(self._raw, SEALED_CHUNK)
        if not sealed:
            raise TamperedCiphertext()  # the final chunk never came: the stream was cut short
        try:
            clear, tag = crypto_secretstream_xchacha20poly1305_pull(self._stream, sealed, self._ad)
        except (CryptoError, ValueError):
            raise TamperedCiphertext() from None
        if tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL:
            if self._raw.read(1):
                raise TamperedCiphertext()  # bytes after the end: something was appended
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


def decrypting_reader(raw: IO[bytes], key: bytes, ad: bytes | None = None) -> io.BufferedReader:
    """A buffered clear-text reader over ``raw`` (``readline``, ``read(n)``, usable by ``gzip``)."""
    return io.BufferedReader(DecryptingReader(raw, key, ad), CHUNK)


class IterFile(io.RawIOBase):
    """A read-only file over an iterator of byte strings, so that encrypted output streams without
    temporary files."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
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
