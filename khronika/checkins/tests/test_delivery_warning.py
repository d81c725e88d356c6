"""When an alert cannot be guaranteed to leave, the person's page says so before the meeting."""

from __future__ import annotations

from khronika.checkins.delivery import probe_mail_server
from khronika.checkins.tests.conftest import free_port, pass_deadline, set_checkin
from khronika.worker.jobs import run_due

WARNING = "Tell someone yourself where you are going."


def test_no_warning_when_the_mail_server_answers(client, smtp):
    assert probe_mail_server()
    assert WARNING not in client.get("/check-in/en/").content.decode()


def test_the_page_warns_when_no_mail_server_is_set_up(client, db):
    assert "no mail server set up" in client.get("/check-in/en/").content.decode()


def test_the_page_warns_after_the_last_mail_attempt_failed(client, settings, db):
    settings.KHRONIKA_SMTP_HOST = "127.0.0.1"
    settings.KHRONIKA_SMTP_PORT = free_port()  # nobody listens: the mail server is down
    settings.KHRONIKA_SMTP_STARTTLS = False
    made = set_checkin(client)
    pass_deadline(made.checkin)
    run_due()

    page = client.get("/check-in/en/").content.decode()
    assert "last attempt to reach the mail server failed" in page


def test_the_warning_goes_away_once_the_mail_server_is_back(client, smtp, settings):
    port = settings.KHRONIKA_SMTP_PORT
    settings.KHRONIKA_SMTP_PORT = free_port()
    assert not probe_mail_server()
    assert "mail server failed" in client.get("/check-in/en/").content.decode()
    settings.KHRONIKA_SMTP_PORT = port
    assert probe_mail_server()
    assert WARNING not in client.get("/check-in/en/").content.decode()
