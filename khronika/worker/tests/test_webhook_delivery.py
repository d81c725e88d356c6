"""Webhooks: JSON signed with HMAC-SHA256 over timestamp, key and body; failures are retryable errors."""

from __future__ import annotations

import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from khronika.worker.jobs import PermanentJobError
from khronika.worker.notify import DeliveryError, send_webhook, signature

SECRET = b"synthetic webhook secret"


@pytest.fixture
def receiver():
    seen = []
    answers = {"/ok": 200, "/broken": 500, "/moved": 302}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.append((self.path, dict(self.headers), body))
            self.send_response(answers.get(self.path, 404))
            if self.path == "/moved":
                self.send_header("Location", "/ok")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()


@pytest.fixture
def secret(settings, tmp_path):
    path = tmp_path / "webhook.secret"
    path.write_bytes(SECRET + b"\n")
    settings.KHRONIKA_WEBHOOK_SECRET_FILE = str(path)
    settings.KHRONIKA_WEBHOOK_ALLOW_PRIVATE = True  # the test receiver listens on loopback


def test_it_posts_signed_json_with_the_idempotency_key(receiver, secret):
    base, seen = receiver
    send_webhook(f"{base}/ok", {"checkin": 7, "duress": False}, key="checkin-7-alert")

    [(_, headers, body)] = seen
    assert json.loads(body) == {"checkin": 7, "duress": False}
    assert headers["Idempotency-Key"] == "checkin-7-alert"
    assert headers["Content-Type"] == "application/json"
    expected = signature(SECRET, headers["X-Khronika-Timestamp"], "checkin-7-alert", body)
    assert hmac.compare_digest(headers["X-Khronika-Signature"], expected)


def test_the_signature_covers_the_key_so_a_receiver_notices_a_swapped_key():
    assert signature(SECRET, "1", "key-a", b"{}") != signature(SECRET, "1", "key-b", b"{}")


def test_a_server_error_is_a_retryable_error(receiver, secret):
    base, _ = receiver
    with pytest.raises(DeliveryError, match="answered 500"):
        send_webhook(f"{base}/broken", {"checkin": 7}, key="k1")


def test_a_redirect_is_not_followed(receiver, secret):
    """A redirect would carry the signed alert to an address nobody configured."""
    base, seen = receiver
    with pytest.raises(DeliveryError, match="302"):
        send_webhook(f"{base}/moved", {"checkin": 7}, key="k2")
    assert [path for path, _, _ in seen] == ["/moved"]


def test_an_address_that_is_not_http_fails_at_once(secret):
    with pytest.raises(PermanentJobError):
        send_webhook("file:///etc/passwd", {"checkin": 7}, key="k3")


def test_an_unreachable_receiver_is_a_plain_error(secret):
    with pytest.raises(DeliveryError, match="cannot be reached"):
        send_webhook("http://127.0.0.1:9/hook", {"checkin": 7}, key="k4")


def test_without_a_secret_it_says_so(settings):
    settings.KHRONIKA_WEBHOOK_SECRET_FILE = ""
    with pytest.raises(DeliveryError, match="KHRONIKA_WEBHOOK_SECRET_FILE"):
        send_webhook("http://127.0.0.1:9/hook", {"checkin": 7}, key="k5")


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "10.1.2.3", "192.168.0.10", "169.254.169.254", "[::1]", "localhost"]
)
def test_it_refuses_addresses_on_this_machine_or_a_private_network(secret, settings, receiver, host):
    """Server-side request forgery: an address typed into a form must not reach internal services."""
    settings.KHRONIKA_WEBHOOK_ALLOW_PRIVATE = False
    _, seen = receiver
    with pytest.raises(PermanentJobError, match="public address"):
        send_webhook(f"http://{host}:9/hook", {"checkin": 7}, key="k6")
    assert seen == []
