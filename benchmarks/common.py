"""What the benchmarks share: percentiles, child processes, a fresh instance in a temporary folder.

Each benchmark runs every database (and, for ``vault_overhead``, every variant) in a process of its
own, because Django reads its settings once per process; the child prints its figures as one JSON
object on its last line and the parent gathers them.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def percentiles(samples: Sequence[float]) -> dict[str, float]:
    """Nearest-rank p50 and p95, and the slowest sample, in milliseconds."""
    ordered = sorted(samples)

    def rank(p: float) -> float:
        return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered)) - 1))]

    return {
        "p50_ms": round(rank(50), 1),
        "p95_ms": round(rank(95), 1),
        "max_ms": round(ordered[-1], 1),
        "requests": len(ordered),
    }


def run_child(
    module: str, arguments: Sequence[str], backend: str, pg_port: str, label: str
) -> dict[str, Any]:
    """Run ``python -m module arguments`` on ``backend`` and return the JSON object it printed last.

    PostgreSQL runs go through ``scripts/with-postgres`` (a throw-away server on ``pg_port``, unless
    ``KHRONIKA_TEST_PG_PORT`` says otherwise); SQLite runs drop any ``DATABASE_URL`` inherited from the
    caller. Every other line the child printed is passed on as it was.
    """
    command = [sys.executable, "-m", module, *arguments]
    env = dict(os.environ)
    if backend == "postgresql":
        env.setdefault("KHRONIKA_TEST_PG_PORT", pg_port)
        command = [str(REPO / "scripts" / "with-postgres"), *command]
    else:
        env.pop("DATABASE_URL", None)
    last = ""
    with subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:  # passed on as they come: a full-size run takes minutes
            if last:
                print(last, flush=True)
            last = line.rstrip("\n")
    try:
        result: dict[str, Any] = json.loads(last)
    except json.JSONDecodeError:
        if last:
            print(last, flush=True)
        return {"error": f"the {label} run failed (exit status {proc.returncode})", "targets_met": False}
    return result


@contextmanager
def fresh_instance(backend: str, prefix: str, **environment: str) -> Iterator[Path]:
    """Point this process at a new, empty data folder (and database, for SQLite); remove it afterwards.

    Call before ``django.setup()``. A PostgreSQL run needs ``DATABASE_URL`` from ``with-postgres``.
    """
    data_dir = Path(tempfile.mkdtemp(prefix=f"{prefix}-{backend}."))
    os.environ.update(
        {"KHRONIKA_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "khronika.settings", **environment}
    )
    if backend == "sqlite":
        os.environ.pop("DATABASE_URL", None)
    elif "DATABASE_URL" not in os.environ:
        raise SystemExit("The postgresql run needs DATABASE_URL (scripts/with-postgres sets it).")
    try:
        yield data_dir
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def free_port() -> int:
    """A TCP port on the loopback interface that nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def served(arguments: Sequence[str], port: int, ready_path: str = "/") -> Iterator[subprocess.Popen[bytes]]:
    """Run ``khronika <arguments>`` (a command that serves on ``port``) until the block ends.

    Returns once ``ready_path`` answers on the loopback interface (any HTTP status), so the block
    measures a server that is up; the server inherits this process's environment (its data folder).
    """
    server = subprocess.Popen(  # our own interpreter and module
        [sys.executable, "-m", "khronika.cli", *arguments], cwd=REPO, stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                raise SystemExit(
                    f"`khronika {' '.join(arguments)}` stopped (exit status {server.returncode})."
                )
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", ready_path)
                connection.getresponse().read()
                connection.close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("The server did not start within two minutes.") from None
                time.sleep(0.2)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)
