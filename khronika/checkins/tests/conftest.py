"""Fixtures of the check-in tests: an alerts key of each test's own, a real SMTP server on loopback
(aiosmtpd), a webhook receiver, and a helper that sets a check-in through the public page."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from khronika.checkins import delivery, services
from khronika.checkins.models import CheckIn

SYNTHETIC_MESSAGE = "Synthetic Sasha: meeting a stranger at the synthetic cafe, call me."
SYNTHETIC_EMAIL = "synthetic.friend@example.org"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Sink:
    """An SMTP server that keeps every message it accepted."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted"


@pytest.fixture(autouse=True)
def own_alerts_key(settings: Any, tmp_path: Any) -> None:
    settings.CHECKINS_ALERTS_KEY_FILE = str(tmp_path / "alerts.key")
    settings.CHECKINS_CODE_ANSWER_SECONDS = 0
    settings.KHRONIKA_SMTP_HOST = ""
    delivery._health_cache.clear()
    services._window[:] = [0.0, 0]


@pytest.fixture
def smtp(settings: Any, db: Any) -> Iterator[Sink]:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.KHRONIKA_SMTP_HOST = "127.0.0.1"
    settings.KHRONIKA_SMTP_PORT = controller.port
    settings.KHRONIKA_SMTP_STARTTLS = False
    settings.KHRONIKA_SMTP_FROM = "alerts@example.org"
    yield sink
    controller.stop()


@dataclass
class Hooks:
    url: str
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def webhook(settings: Any, tmp_path: Any) -> Iterator[Hooks]:
    secret = tmp_path / "webhook.secret"
    secret.write_text("synthetic webhook secret")
    settings.KHRONIKA_WEBHOOK_SECRET_FILE = str(secret)
    settings.KHRONIKA_WEBHOOK_ALLOW_PRIVATE = True  # the receiver listens on loopback
    received: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Hooks(url=f"http://127.0.0.1:{server.server_address[1]}/hook", received=received)
    server.shutdown()


@dataclass
class SetCheckIn:
    checkin: CheckIn
    cancel_code: str
    duress_code: str


CODES = re.compile(r'<p class="phrase" lang="en">([^<]+)</p>')


def set_checkin(client: Client, contacts: str = SYNTHETIC_EMAIL, minutes: int = 30) -> SetCheckIn:
    """Set a check-in through the public page, as a person would, and read the codes off the page."""
    response = client.post(
        "/check-in/en/", {"minutes": str(minutes), "contacts": contacts, "message": SYNTHETIC_MESSAGE}
    )
    assert response.status_code == 200, response.content.decode()
    cancel_code, duress_code = CODES.findall(response.content.decode())
    return SetCheckIn(CheckIn.objects.get(), cancel_code, duress_code)


def pass_deadline(checkin: CheckIn) -> None:
    """Move a check-in's deadline (and its queued alert) one second into the past: time passing,
    without waiting for it."""
    from datetime import timedelta

    from django.utils import timezone

    from khronika.worker.models import Job

    past = timezone.now() - timedelta(seconds=1)
    CheckIn.objects.filter(pk=checkin.pk).update(deadline=past)
    Job.objects.filter(idempotency_key=services.fire_key(checkin)).update(run_at=past)
    checkin.refresh_from_db()
