"""A source's return visit without a cookie: an encrypted, expiring token in the reply form.

After the receipt phrase is checked, the conversation page must let the source answer and add files
without typing the phrase again and without the phrase ever going back into a page, a cookie, a URL
or a log. The server keeps no session for them either (a table of open visits would say when someone
came back). Instead the reply form carries this token: the submission id, its key, when the visit
ends and how many messages it has sent, encrypted and authenticated with a key derived from the
server's secret. Only this server can read or forge one; it stops working after
``INTAKE_RETURN_MINUTES`` and after ``INTAKE_MAX_MESSAGES_PER_VISIT`` messages (per-visit flood limit).
A token captured from a seized phone's memory gives at most the rest of that visit, and the page is
never cached (``Cache-Control: no-store``).
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass

from django.conf import settings

from khronika.vault.crypto import TamperedCiphertext, aead

_AD = aead.associated_data("intake.return-visit")


def _token_key() -> bytes:
    return hashlib.blake2b(settings.SECRET_KEY.encode(), digest_size=32, person=b"khr-intake-ret").digest()


@dataclass(frozen=True)
class Visit:
    submission_id: uuid.UUID
    key: bytes
    ends_at: float
    messages_sent: int = 0

    @property
    def may_send(self) -> bool:
        return self.messages_sent < settings.INTAKE_MAX_MESSAGES_PER_VISIT

    def token(self) -> str:
        payload = {
            "s": str(self.submission_id),
            "k": self.key.hex(),
            "e": self.ends_at,
            "n": self.messages_sent,
        }
        return aead.to_text(aead.encrypt(_token_key(), json.dumps(payload).encode(), _AD))

    def after_message(self) -> Visit:
        return Visit(self.submission_id, self.key, self.ends_at, self.messages_sent + 1)


def start(submission_id: uuid.UUID, key: bytes) -> Visit:
    return Visit(submission_id, key, time.time() + 60 * settings.INTAKE_RETURN_MINUTES)


def resume(token: str) -> Visit | None:
    """The visit a token stands for, or None when it is forged, damaged or over."""
    try:
        payload = json.loads(aead.decrypt(_token_key(), aead.from_text(token), _AD))
        visit = Visit(
            uuid.UUID(payload["s"]), bytes.fromhex(payload["k"]), float(payload["e"]), int(payload["n"])
        )
    except (TamperedCiphertext, ValueError, KeyError, TypeError):
        return None
    return visit if visit.ends_at > time.time() else None
