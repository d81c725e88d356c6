"""Small secret files the instance makes itself on first use (the ledger's signing key, the receipt
phrases' salt and pepper): written whole or not at all, readable by the service account only."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def create_secret_file(path: Path, size: int) -> None:
    """Write ``size`` random bytes, as hex, to a new 0600 file at ``path``.

    No other process ever reads a half-written file, and two processes starting at once agree on one
    file: each writes a temporary file and links it into place; the first link wins and the other
    process's link fails, so it reads the winner's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_bytes(size).hex() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink()
