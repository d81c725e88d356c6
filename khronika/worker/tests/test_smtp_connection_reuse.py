"""One SMTP connection per worker process is reused for the next message, and a connection the server
closed is replaced without losing the message (a burst of check-in alerts must not wait on a handshake
per message)."""

from __future__ import annotations

import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from khronika.worker import notify


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Sink:
    def __init__(self) -> None:
        self.greetings = 0
        self.message_ids: list[str] = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.greetings += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.message_ids.append(message_from_bytes(envelope.content)["Message-ID"])
        return "250 Message accepted"


@pytest.fixture
def server(settings):
    port = free_port()
    settings.KHRONIKA_SMTP_HOST, settings.KHRONIKA_SMTP_PORT = "127.0.0.1", port
    settings.KHRONIKA_SMTP_STARTTLS = False
    settings.KHRONIKA_SMTP_FROM = "alerts@example.org"
    running: list[Controller] = []

    def start() -> Sink:
        sink = Sink()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        running.append(controller)
        return sink

    def stop() -> None:
        running.pop().stop()

    yield start, stop
    notify._close_connection()
    for controller in running:
        controller.stop()


def test_messages_in_a_row_share_one_connection(server):
    start, _ = server
    sink = start()
    for n in range(3):
        notify.send_email("synthetic.contact@example.org", "s", "b", message_id=f"reuse-{n}")
    assert sink.greetings == 1
    assert len(sink.message_ids) == 3


def test_a_connection_the_server_dropped_is_replaced_and_the_message_sent(server):
    start, stop = server
    start()
    notify.send_email("synthetic.contact@example.org", "s", "b", message_id="before-restart")
    stop()  # the mail server restarts: our open connection is dead
    sink = start()
    notify.send_email("synthetic.contact@example.org", "s", "b", message_id="after-restart")
    assert sink.message_ids == ["<after-restart@example.org>"]
