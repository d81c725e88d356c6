"""Sending notifications from jobs: e-mail over SMTP and signed webhooks.

Both raise ``DeliveryError`` (a ``JobError``, so its plain message is kept and shown on the failures
page) when the message was not accepted; the queue then retries with backoff. Both carry the job's
idempotency key (as the Message-ID, as the ``Idempotency-Key`` header), because a worker killed between
the receiver's acceptance and our commit sends once more: the receiver can drop that resend.

Error messages never quote an address, a URL or a server's reply (threat model 1: they are stored in
the clear in the job table and the log).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
import smtplib
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from email.charset import Charset
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from khronika.worker.jobs import JobError, PermanentJobError

_TIMEOUT_SECONDS = 20
_MESSAGE_ID_SAFE = re.compile(r"[A-Za-z0-9._-]{1,100}")


class DeliveryError(JobError):
    """The message was not accepted; the job will be tried again later."""


def _read_secret(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError:
        raise DeliveryError(f"The {what} file cannot be read; check the worker's settings.") from None


# UTF-8 bodies as 8-bit text, readable as sent (every mail server today speaks 8BITMIME).
_UTF8_8BIT = Charset("utf-8")
_UTF8_8BIT.body_encoding = None  # type: ignore[assignment]


def message_id_for(key: str) -> str:
    """The Message-ID for an idempotency key: the key itself when it is a valid id, else its hash."""
    domain = settings.KHRONIKA_SMTP_FROM.rpartition("@")[2] or "khronika.invalid"
    local = key if _MESSAGE_ID_SAFE.fullmatch(key) else "k" + hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"<{local}@{domain}>"


# One SMTP connection per process, reused for the next message within _REUSE_SECONDS: a burst of
# check-in alerts (benchmarks/alerts_burst.py) then costs one SMTP transaction per message instead of a
# connection, a TLS handshake and a login each. A connection that fails is closed, never reused.
_REUSE_SECONDS = 20.0
_open_connection: dict[str, Any] = {}


def _settings_key() -> tuple[Any, ...]:
    return (
        settings.KHRONIKA_SMTP_HOST,
        settings.KHRONIKA_SMTP_PORT,
        settings.KHRONIKA_SMTP_USER,
        settings.KHRONIKA_SMTP_STARTTLS,
    )


def _close_connection() -> None:
    smtp = _open_connection.pop("smtp", None)
    _open_connection.clear()
    if smtp is not None:
        smtp.close()  # closes the socket; no QUIT, which could block on a server that is gone


def _connection_attempts() -> tuple[bool, ...]:
    """(True, False) when an open connection may be reused (then a fresh one if it was closed), else
    (False,)."""
    fresh = (
        _open_connection.get("key") == _settings_key()
        and time.monotonic() - _open_connection.get("used", 0.0) < _REUSE_SECONDS
    )
    if not fresh:
        _close_connection()
    return (True, False) if "smtp" in _open_connection else (False,)


def _smtp_connection(password: str, reused: bool) -> smtplib.SMTP:
    if reused:
        smtp: smtplib.SMTP = _open_connection["smtp"]
        return smtp
    # local_hostname: the greeting would otherwise name this machine to the mail server.
    smtp = smtplib.SMTP(
        settings.KHRONIKA_SMTP_HOST,
        settings.KHRONIKA_SMTP_PORT,
        timeout=_TIMEOUT_SECONDS,
        local_hostname="localhost",
    )
    try:
        if settings.KHRONIKA_SMTP_STARTTLS:
            smtp.starttls(context=ssl.create_default_context())
        if settings.KHRONIKA_SMTP_USER:
            smtp.login(settings.KHRONIKA_SMTP_USER, password)
    except BaseException:
        smtp.close()
        raise
    _open_connection.update(smtp=smtp, key=_settings_key(), used=time.monotonic())
    return smtp


def send_email(to: str | Sequence[str], subject: str, body: str, *, message_id: str) -> None:
    """Send one plain-text message; ``message_id`` is the job's idempotency key.

    Send one message per recipient (one job each): if a server accepted some recipients and refused
    others, the retry goes to all of them again.
    """
    if not settings.KHRONIKA_SMTP_HOST:
        raise DeliveryError("No mail server is configured (KHRONIKA_SMTP_HOST).")
    recipients = [to] if isinstance(to, str) else list(to)
    # The compat32 classes, not EmailMessage: its header registry parses every header we set, which
    # was a third of a check-in alert's cost in a burst (benchmarks/alerts_burst.py). Non-ASCII
    # subjects become RFC 2047 encoded words through Header; a non-ASCII body goes as 8-bit UTF-8.
    message = MIMEText(body, "plain", "us-ascii" if body.isascii() else _UTF8_8BIT)  # type: ignore[arg-type]
    message["From"] = settings.KHRONIKA_SMTP_FROM
    message["To"] = ", ".join(recipients)
    message["Subject"] = Header(subject, "us-ascii" if subject.isascii() else "utf-8")  # type: ignore[assignment]
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id_for(message_id)
    password = (
        _read_secret(settings.KHRONIKA_SMTP_PASSWORD_FILE, "mail password")
        if settings.KHRONIKA_SMTP_PASSWORD_FILE
        else ""
    )
    try:
        for reused in _connection_attempts():
            smtp = _smtp_connection(password, reused)
            try:
                refused = smtp.send_message(message, to_addrs=recipients)
            except (smtplib.SMTPServerDisconnected, OSError):
                _close_connection()
                if reused:  # the server closed an idle connection before MAIL FROM: a fresh one
                    continue
                raise
            except BaseException:
                _close_connection()
                raise
            _open_connection["used"] = time.monotonic()
            break
    except smtplib.SMTPAuthenticationError:
        raise DeliveryError("The mail server refused the worker's login.") from None
    except smtplib.SMTPRecipientsRefused:
        raise DeliveryError("The mail server refused the recipient.") from None
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(f"The mail server refused the message (code {exc.smtp_code}).") from None
    except (smtplib.SMTPException, ssl.SSLError) as exc:
        raise DeliveryError(f"The mail server ended the conversation ({type(exc).__name__}).") from None
    except OSError:
        raise DeliveryError("The mail server cannot be reached.") from None
    if refused:
        raise DeliveryError(f"The mail server refused {len(refused)} of {len(recipients)} recipients.")


def signature(secret: bytes, timestamp: str, key: str, body: bytes) -> str:
    """HMAC-SHA256 over ``timestamp.key.body``: a receiver checks origin, freshness and the key at once."""
    signed = timestamp.encode() + b"." + key.encode() + b"." + body
    return "sha256=" + hmac.new(secret, signed, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would carry the signed payload to an address nobody configured: treat it as failure."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def check_public_address(url: str) -> None:
    """Refuse webhook addresses on this machine or the organisation's private network.

    Server-side request forgery: a webhook address may come from a form (a check-in's trusted contact),
    and a POST to ``127.0.0.1`` or ``10.x`` would reach services that were never meant to be exposed.
    The name is resolved here and again when connecting, so a hostile DNS server could still switch
    addresses in between (rebinding); a host firewall for the service user closes that gap.
    """
    if settings.KHRONIKA_WEBHOOK_ALLOW_PRIVATE:
        return
    host = urlsplit(url).hostname or ""
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)}
    except (OSError, UnicodeError):
        raise DeliveryError("The webhook's host name cannot be resolved.") from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not ip.is_global or ip.is_multicast:
            raise PermanentJobError("A webhook must point to a public address, not to a private network.")


def send_webhook(url: str, payload: dict[str, Any], *, key: str) -> None:
    """POST ``payload`` as JSON to ``url``, signed (``X-Khronika-Signature``) and with ``Idempotency-Key``.

    The receiver recomputes ``signature(secret, X-Khronika-Timestamp, Idempotency-Key, body)``, rejects
    old timestamps, and drops a key it has already seen.
    """
    if urlsplit(url).scheme not in {"http", "https"}:
        raise PermanentJobError("A webhook address must start with http:// or https://.")
    if not settings.KHRONIKA_WEBHOOK_SECRET_FILE:
        raise DeliveryError("No webhook secret is configured (KHRONIKA_WEBHOOK_SECRET_FILE).")
    secret = _read_secret(settings.KHRONIKA_WEBHOOK_SECRET_FILE, "webhook secret").encode()
    check_public_address(url)
    body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310  # the scheme is checked above
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Khronika",
            "Idempotency-Key": key,
            "X-Khronika-Timestamp": timestamp,
            "X-Khronika-Signature": signature(secret, timestamp, key, body),
        },
    )
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=_TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"The webhook answered {exc.code}.") from None
    except (urllib.error.URLError, OSError):
        raise DeliveryError("The webhook cannot be reached.") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"The webhook answered {status}.")
