"""Helpers for the vault runtime tests: a short-pathed vault folder, real `khronika` subprocesses.

The in-process vault state is global (``khronika.vault.state``); ``preserved_state`` puts back
whatever a test found, so these tests neither leak keys into nor steal them from the rest of the suite.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from khronika.vault import state
from khronika.vault.crypto import KdfCost

PASSPHRASE = "синий-кит пьёт 7 чашек чая"  # synthetic, as in conftest.py
FAST = KdfCost(time_cost=1, memory_kib=8, parallelism=1)
FAST_ARGS = ["--argon2-memory-kib", "8", "--argon2-passes", "1", "--argon2-lanes", "1"]
KHRONIKA = [sys.executable, "-m", "khronika.cli"]


@contextlib.contextmanager
def preserved_state() -> Iterator[None]:
    saved = state.keys() if state.is_unsealed() else None
    try:
        yield
    finally:
        if saved is not None:
            state.unseal(saved)
        else:
            state.seal()


@contextlib.contextmanager
def short_dir(prefix: str) -> Iterator[Path]:
    """A folder with a short path: a Unix socket's path must fit in 107 bytes."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


SEALED_MIDDLEWARE = "khronika.vault.middleware.SealedMiddleware"


def with_sealed_middleware(middleware: list[str]) -> list[str]:
    """``middleware`` with the sealed page right after the security headers, as settings.py should
    have it. Until the lead adds that line (other apps' tests need the global conftest to unseal
    first), the tests install it themselves; once it is there, this changes nothing."""
    if SEALED_MIDDLEWARE in middleware:
        return list(middleware)
    index = middleware.index("khronika.web.middleware.SecurityHeadersMiddleware") + 1
    return [*middleware[:index], SEALED_MIDDLEWARE, *middleware[index:]]


def _settings_module() -> str:
    from django.conf import settings

    installed = SEALED_MIDDLEWARE in settings.MIDDLEWARE
    return "khronika.settings" if installed else "khronika.vault.tests.sealed_settings"


def child_env(data_dir: Path, vault_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHRONIKA_") and k != "DATABASE_URL"}
    env.update(
        KHRONIKA_DATA_DIR=str(data_dir),
        KHRONIKA_VAULT_DIR=str(vault_dir),
        KHRONIKA_SECRET_KEY="test-only-secret-key-for-subprocesses",
        DJANGO_SETTINGS_MODULE=_settings_module(),
        PYTHONUNBUFFERED="1",
    )
    return env


def run(env: dict[str, str], *args: str, secret: str | None = None) -> subprocess.CompletedProcess[str]:
    """``khronika args…``; ``secret`` (if any) is written to a pipe passed as fd, never argv or env."""
    if secret is None:
        return subprocess.run([*KHRONIKA, *args], env=env, capture_output=True, text=True, timeout=60)  # noqa: S603  (our interpreter, fixed arguments)
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, secret.encode() + b"\n")
        os.close(write_end)
        argv = [*KHRONIKA, *(a.replace("{fd}", str(read_end)) for a in args)]
        return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, pass_fds=(read_end,))  # noqa: S603
    finally:
        os.close(read_end)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A real ``khronika serve`` on a free loopback port."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(  # noqa: S603  (our interpreter)
            [*KHRONIKA, "serve", "--port", str(self.port), "--threads", "2"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.socket = Path(env["KHRONIKA_VAULT_DIR"]) / "run" / f"serve-{self.process.pid}.sock"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read() if self.process.stdout else b""
                raise RuntimeError(f"serve exited: {output!r}")
            if self.socket.exists() and self.status() is not None:
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("serve did not start within 30 s")

    def status(self, path: str = "/records/incidents/") -> int | None:
        """The HTTP status of ``path`` (redirects not followed), or None if nothing answers."""
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(self.url + path, timeout=5) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except OSError:
            return None

    def body(self, path: str = "/records/incidents/") -> str:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:  # noqa: S310  (loopback)
                return str(response.read().decode())
        except urllib.error.HTTPError as exc:
            return str(exc.read().decode())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def sealed_within(server: Server, seconds: float) -> float | None:
    """Poll until ``server`` answers with the sealed page; the time it took, or None."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if server.status() == 503:
            return time.monotonic() - started
        time.sleep(0.01)
    return None


@contextlib.contextmanager
def pipe_with(text: str) -> Iterator[int]:
    """The read end of a pipe holding ``text``: how tests hand a secret to ``--passphrase-fd``."""
    read_end, write_end = os.pipe()
    os.write(write_end, text.encode())
    os.close(write_end)
    try:
        yield read_end
    finally:
        os.close(read_end)


def row_ciphertext(value: bytes | memoryview) -> bytes:
    """A row's raw ``vault_data`` (bytes, or a memoryview from PostgreSQL), checked to be a vault
    ciphertext: non-empty and in one of the formats ``aead`` writes."""
    from khronika.vault.crypto import aead

    data = bytes(value)
    assert data and data[0] in (aead.VERSION, aead.AES_VERSION), data[:8]
    return data
