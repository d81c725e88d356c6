"""Fixtures of the import and review tests: a stand-in extractor and a web server on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from khronika.monitoring import services
from khronika.monitoring.tests.importing import fake_extract


@pytest.fixture
def extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        services,
        "extract",
        lambda item: fake_extract(
            item.text, published=(item.published or timezone.now()).date(), language=item.language
        ),
    )


class _Site:
    """Pages by path; anything else is a 404."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[bytes, str]] = {}
        self.requests: list[str] = []
        self.trickle: set[str] = set()
        self.redirects: dict[str, str] = {}  # path -> Location


@pytest.fixture
def site(settings: Any) -> Iterator[tuple[str, _Site]]:
    """A web server on 127.0.0.1 for the duration of one test: ``(base_url, site)``. Fetching from
    this machine is refused in production (fetching.check_address), so it is allowed here."""
    settings.KHRONIKA_MONITOR_ALLOW_INTERNAL = True
    content = _Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # http.server's naming
            content.requests.append(self.path)
            if self.path in content.redirects:
                self.send_response(302)
                self.send_header("Location", content.redirects[self.path])
                self.end_headers()
                return
            page = content.pages.get(self.path)
            if page is None:
                self.send_response(404)
                self.end_headers()
                return
            body, content_type = page
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.path in content.trickle:  # a hostile server: a few bytes at a time, slowly
                try:
                    for start in range(0, len(body), 16):
                        self.wfile.write(body[start : start + 16])
                        self.wfile.flush()
                        time.sleep(0.1)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should
                return
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", content
    finally:
        server.shutdown()
        server.server_close()
