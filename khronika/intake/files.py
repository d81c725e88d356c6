"""The intake file store: ciphertext files under the data folder, written whole or not at all.

Not the vault's storage (``khronika.vault.storage``): that one needs the vault unsealed, and intake must
accept files while it is sealed. What lands here is already encrypted with the submission key
(``sealing``), so the store itself needs no key. Names are random, so the folder listing says nothing
about who sent what or when.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings


def _folder() -> Path:
    folder = Path(settings.INTAKE_FILE_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def new_name() -> str:
    return secrets.token_hex(20)


def write(name: str, ciphertext: bytes) -> None:
    """Write a new file readable by the service account only; never overwrite one."""
    path = _folder() / name
    partial = path.with_suffix(".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(ciphertext)
            out.flush()
            os.fsync(out.fileno())
        os.link(partial, path)  # fails rather than replace an existing file
    finally:
        partial.unlink(missing_ok=True)


def read(name: str) -> bytes:
    return (_folder() / name).read_bytes()


def delete(name: str) -> None:
    """Remove a file. Its content was already unreadable once its submission key was shredded; this
    frees the space and leaves no ciphertext to attack should the key ever be recovered elsewhere."""
    (_folder() / name).unlink(missing_ok=True)
