"""The alerts key: what lets the worker send a check-in alert while the instance is sealed.

Why not the vault: a raid is exactly when a check-in matters, and a raid is when the operator runs
``khronika panic`` or the server restarts sealed. So check-in secrets (contacts, message) are encrypted
under per-check-in data keys wrapped by this key, a 0600 file in the data folder
(``CHECKINS_ALERTS_KEY_FILE``), which the worker reads without the root.

What it exposes on a seized disk: the contacts and messages of check-ins that are still open, plus
those closed less than seven days ago (closed ones are then crypto-shredded). Nothing else is under
this key. ``khronika panic --destroy-keys`` overwrites and deletes it too, and then even open check-ins
cannot fire: their alerts fail with a plain message on the failures page (docs/checkins.md explains the
choice). The file is read at every use, never cached, so a destroyed key is gone for a running worker.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from khronika.secret_files import create_secret_file
from khronika.vault.crypto import aead

KEY_FILE_NAME = "alerts.key"
KEY_BYTES = 32


class AlertsKeyMissing(Exception):
    """The alerts key file is gone (``panic --destroy-keys``): sealed check-ins cannot be opened."""


def key_path() -> Path:
    configured = settings.CHECKINS_ALERTS_KEY_FILE
    return Path(configured) if configured else Path(settings.DATA_DIR) / KEY_FILE_NAME


def alerts_key(*, create: bool = False) -> bytes:
    """The key, read from its file. Only a new check-in may ``create`` it: a reader that made a fresh key
    after a destroyed one would only turn "the key is gone" into "the data is damaged"."""
    path = key_path()
    if not path.exists():
        if not create:
            raise AlertsKeyMissing("The alerts key was destroyed or never made.")
        create_secret_file(path, KEY_BYTES)
    if path.stat().st_mode & 0o077:
        # Threat: another account on this machine reading open check-ins' contacts.
        raise ImproperlyConfigured(
            f"The alerts key file {path} can be read by other accounts on this machine. "
            f"Restrict it with: chmod 600 {path}"
        )
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (UnicodeDecodeError, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"The alerts key file {path} is damaged. Restore it from a backup.")
    return key


def destroy_alerts_key() -> bool:
    """Overwrite the key file with random bytes, then delete it (``panic --destroy-keys``). True if there
    was one. Best effort on journaling file systems and SSDs, like the vault's key file."""
    path = key_path()
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return False
    with open(path, "r+b") as handle:
        handle.write(secrets.token_bytes(max(size, 1)))
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()
    return True


def _ad(checkin_id: str, part: str) -> bytes:
    return aead.associated_data("checkins", checkin_id, part)


def seal_secrets(checkin_id: str, contacts: list[str], message: str) -> tuple[bytes, bytes, bytes]:
    """(wrapped data key, contacts ciphertext, message ciphertext) for a new check-in.

    Who can decrypt: any process that can read the alerts key file (the web server and the worker)."""
    data_key = secrets.token_bytes(aead.KEY_BYTES)
    wrapped = aead.encrypt(alerts_key(create=True), data_key, _ad(checkin_id, "key"))
    sealed_contacts = aead.encrypt(data_key, json.dumps(contacts).encode(), _ad(checkin_id, "contacts"))
    sealed_message = aead.encrypt(data_key, message.encode(), _ad(checkin_id, "message"))
    return wrapped, sealed_contacts, sealed_message


def open_secrets(
    checkin_id: str, wrapped: bytes | memoryview, contacts: bytes | memoryview, message: bytes | memoryview
) -> tuple[list[str], str]:
    """The contacts and the message; ``AlertsKeyMissing`` or ``TamperedCiphertext`` when they cannot be."""
    data_key = aead.decrypt(alerts_key(), bytes(wrapped), _ad(checkin_id, "key"))
    opened: list[str] = json.loads(aead.decrypt(data_key, bytes(contacts), _ad(checkin_id, "contacts")))
    return opened, aead.decrypt(data_key, bytes(message), _ad(checkin_id, "message")).decode()


def code_lookup(normalized_code: str, *, create: bool = False) -> str:
    """The stored form of a code: HMAC-SHA256 under a key derived from the alerts key, in hex.

    Keyed, so a copy of the database alone cannot test guesses; 4 words of 7,776 (about 52 bits) make
    online guessing hopeless anyway."""
    code_key = hmac.new(alerts_key(create=create), b"checkin-code", hashlib.sha256).digest()
    return hmac.new(code_key, normalized_code.encode(), hashlib.sha256).hexdigest()
