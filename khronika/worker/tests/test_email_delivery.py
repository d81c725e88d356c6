"""E-mail over SMTP: the idempotency key is the Message-ID, and every failure is a clear, retryable error."""

from __future__ import annotations

import email.policy
import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from khronika.worker.notify import DeliveryError, message_id_for, send_email


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Sink:
    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.messages: list = []
        self.greetings: list = []
        self.raw: list[bytes] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.greetings.append(session.host_name)
        self.raw.append(envelope.content)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 Message accepted"


@pytest.fixture
def smtp(settings):
    def start(sink: Sink) -> Sink:
        controller = Controller(sink, hostname="127.0.0.1", port=free_port())
        controller.start()
        started.append(controller)
        settings.KHRONIKA_SMTP_HOST = "127.0.0.1"
        settings.KHRONIKA_SMTP_PORT = controller.port
        settings.KHRONIKA_SMTP_STARTTLS = False
        settings.KHRONIKA_SMTP_FROM = "alerts@example.org"
        return sink

    started: list[Controller] = []
    yield start
    for controller in started:
        controller.stop()


def test_it_sends_with_the_idempotency_key_as_message_id(smtp):
    sink = smtp(Sink())
    send_email(
        "synthetic.contact@example.org", "Check-in missed", "Synthetic text.", message_id="checkin-7-alert"
    )

    [(recipients, message)] = sink.messages
    assert recipients == ["synthetic.contact@example.org"]
    assert message["Message-ID"] == "<checkin-7-alert@example.org>"
    assert message["From"] == "alerts@example.org"
    assert message.get_payload().strip() == "Synthetic text."


def test_a_russian_subject_and_body_arrive_intact(smtp):
    sink = smtp(Sink())
    send_email(
        "synthetic.contact@example.org",
        "Тревога: отметка не пришла",
        "Синтетический текст: я пошёл на встречу.",
        message_id="k-ru",
    )

    [raw] = sink.raw
    parsed = message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == "Тревога: отметка не пришла"
    assert parsed.get_content().strip() == "Синтетический текст: я пошёл на встречу."


def test_it_does_not_name_the_server_machine_in_its_greeting(smtp):
    """The greeting would otherwise tell the mail provider the hidden server's host name."""
    sink = smtp(Sink())
    send_email("synthetic.contact@example.org", "s", "b", message_id="k1")
    assert sink.greetings == ["localhost"]


def test_a_key_that_is_not_a_valid_message_id_is_hashed_consistently():
    first = message_id_for("checkin:7/alert contact 2")
    assert first == message_id_for("checkin:7/alert contact 2")
    assert ":" not in first and " " not in first


def test_a_refused_recipient_is_an_error_that_does_not_quote_the_address(smtp):
    smtp(Sink(refuse=True))
    with pytest.raises(DeliveryError) as error:
        send_email("synthetic.contact@example.org", "s", "b", message_id="k2")
    assert "example.org" not in str(error.value)


def test_an_unreachable_server_is_a_plain_error(settings):
    settings.KHRONIKA_SMTP_HOST = "127.0.0.1"
    settings.KHRONIKA_SMTP_PORT = free_port()  # nothing listens there
    with pytest.raises(DeliveryError, match="cannot be reached"):
        send_email("synthetic.contact@example.org", "s", "b", message_id="k3")


def test_without_a_configured_server_it_says_so(settings):
    settings.KHRONIKA_SMTP_HOST = ""
    with pytest.raises(DeliveryError, match="KHRONIKA_SMTP_HOST"):
        send_email("synthetic.contact@example.org", "s", "b", message_id="k4")
