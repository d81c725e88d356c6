"""Keeping an uploaded spreadsheet between the steps of the import form, never in clear on disk.

Threat model 1 (seizure of the server disk): the upload is full of names and narratives. It is kept in
a temporary file encrypted with a fresh random key (XSalsa20-Poly1305, NaCl's SecretBox). The key is
not stored on the server at all: it travels to the user's browser in a hidden form field and comes back
with the next step, and the pages carry ``Cache-Control: no-store``. A copy of the disk therefore holds
only ciphertext. The file is deleted when the import ends or is cancelled, and abandoned files are
swept after an hour. (When the vault issue lands, its facade may replace SecretBox here.)
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox
from nacl.utils import random as random_bytes

MAX_AGE_SECONDS = 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")


def _directory() -> Path:
    directory = Path(settings.DATA_DIR) / "import-staging"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def _path(token: str) -> Path | None:
    return _directory() / token if _TOKEN.match(token) else None


def stash(data: bytes) -> tuple[str, str]:
    """Encrypt ``data`` to a temporary file; return its token and the key (both URL-safe text)."""
    sweep()
    key = random_bytes(SecretBox.KEY_SIZE)
    token = secrets.token_urlsafe(16)
    path = _directory() / token
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(SecretBox(key).encrypt(data))
    return token, base64.urlsafe_b64encode(key).decode("ascii")


def unstash(token: str, key: str) -> bytes | None:
    """The upload, or None if it is gone, expired, or the key does not open it."""
    path = _path(token)
    if path is None or not path.is_file():
        return None
    try:
        raw_key = base64.urlsafe_b64decode(key.encode("ascii"))
        return SecretBox(raw_key).decrypt(path.read_bytes())
    except (binascii.Error, ValueError, CryptoError, OSError, UnicodeEncodeError):
        return None


def discard(token: str) -> None:
    path = _path(token)
    if path is not None:
        path.unlink(missing_ok=True)


def sweep(now: float | None = None) -> None:
    """Delete staged uploads abandoned for more than an hour (a closed tab never says goodbye)."""
    limit = (now or time.time()) - MAX_AGE_SECONDS
    for path in _directory().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue
