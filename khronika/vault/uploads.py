"""Uploads too large for memory are spooled to an encrypted temporary file.

Threat model 1 (seized disk) and the issue's "no side doors": Django writes every upload above
``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a temporary file in clear, and a deleted temporary file stays on the
disk until its blocks are reused (or forever in a snapshot); a crash leaves the file itself behind.
This handler, after SecureDrop's ``secure_tempfile``, writes only ciphertext under a random key that
exists in this process's memory alone and is dropped with the file object: what reaches the disk is
unreadable, during the upload, after it and after a crash.

AES-256 in counter mode, so that any position can be read (openpyxl reads a spreadsheet's zip
directory from the end, then jumps back). No authentication tag: the file lives seconds, in a
folder only the service user can write, and an attacker who can write there already runs as us; the
stored copy is then encrypted and authenticated by ``EncryptedFileSystemStorage``.

The uploaded file has no ``temporary_file_path()``, so storages copy it through ``chunks()``
(decrypted in memory) rather than moving the ciphertext into place.
"""

from __future__ import annotations

import io
import os
import tempfile
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

_BLOCK = 16


class EncryptedTemporaryFile(io.RawIOBase):
    """A seekable, readable and writable temporary file whose bytes on disk are encrypted.

    The key is random per file and held in this object only: closing it (or the process ending, or
    being killed) makes the ciphertext left on disk unreadable by anyone.
    """

    def __init__(self, directory: str | None = None) -> None:
        super().__init__()
        self._key = os.urandom(32)
        self._counter_base = int.from_bytes(os.urandom(16), "big")
        # An unnamed file where the platform allows (O_TMPFILE / unlinked at once): it vanishes with us.
        self._file = tempfile.TemporaryFile(dir=directory, buffering=0)  # noqa: SIM115  # closed in close()
        self._position = 0

    def _keystream_xor(self, data: bytes, offset: int) -> bytes:
        block, skip = divmod(offset, _BLOCK)
        counter = ((self._counter_base + block) % (1 << 128)).to_bytes(16, "big")
        encryptor = Cipher(algorithms.AES(self._key), modes.CTR(counter)).encryptor()
        return (encryptor.update(bytes(skip) + data) + encryptor.finalize())[skip:]

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self._position + offset
        elif whence == io.SEEK_END:
            target = self._file.seek(0, io.SEEK_END) + offset
        else:
            raise ValueError(f"Invalid whence: {whence}")
        if target < 0:
            raise ValueError("Negative seek position.")
        self._position = target
        return target

    def write(self, data: Any) -> int:
        clear = bytes(data)
        self._file.seek(self._position)
        self._file.write(self._keystream_xor(clear, self._position))
        self._position += len(clear)
        return len(clear)

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        self._file.seek(self._position)
        ciphertext = self._file.read(len(view))
        clear = self._keystream_xor(ciphertext, self._position)
        view[: len(clear)] = clear
        self._position += len(clear)
        return len(clear)

    def close(self) -> None:
        if not self.closed:
            self._file.close()
            self._key = b""
        super().close()


class EncryptedTemporaryUploadedFile(UploadedFile):
    """An upload spooled to an ``EncryptedTemporaryFile``; reads return the clear bytes."""

    def __init__(
        self,
        name: str,
        content_type: str | None,
        size: int | None,
        charset: str | None,
        content_type_extra: dict[str, Any] | None = None,
    ) -> None:
        raw = EncryptedTemporaryFile(settings.FILE_UPLOAD_TEMP_DIR)
        super().__init__(
            io.BufferedRandom(raw, buffer_size=64 * 1024),
            name,
            content_type,
            size,
            charset,
            content_type_extra,
        )


class EncryptedTemporaryFileUploadHandler(FileUploadHandler):
    """Django's TemporaryFileUploadHandler, but the temporary file holds ciphertext only."""

    file: EncryptedTemporaryUploadedFile

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.file = EncryptedTemporaryUploadedFile(
            self.file_name or "upload", self.content_type, 0, self.charset, self.content_type_extra
        )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> EncryptedTemporaryUploadedFile:
        self.file.seek(0)
        self.file.size = file_size
        return self.file

    def upload_interrupted(self) -> None:
        if hasattr(self, "file"):
            self.file.close()


class KeepInMemory(FileUploadHandler):
    """Holds an upload in memory up to ``limit`` bytes, instead of Django's temporary file.

    For uploads that are read once and never stored as they came (a spreadsheet to import, an article
    to extract from): Django writes uploads over 2 MiB in clear to a temporary file on disk (threat
    model 1). Past the limit the bytes are dropped and only the size is kept, so that the view can say
    the file is too large.
    """

    def __init__(self, request: Any, limit: int) -> None:
        super().__init__(request)
        self.limit = limit

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if start + len(raw_data) <= self.limit:
            self.buffer.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        content = self.buffer if file_size <= self.limit else io.BytesIO()
        content.seek(0)
        return InMemoryUploadedFile(
            content, self.field_name, self.file_name, self.content_type, file_size, self.charset
        )
