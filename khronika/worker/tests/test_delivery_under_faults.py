"""Delivery under faults (issue 7): worker processes killed with SIGKILL at random moments, and right
after a receiver accepted their message, lose nothing and resend at most once per kill.

A real SMTP server (aiosmtpd) and a webhook receiver (http.server) run on loopback; two `khronika
worker` processes share a fresh SQLite data folder, so the claims also race for real. Each receiver
counts messages by their idempotency key (Message-ID, Idempotency-Key) as a deduplicating receiver
would: a key seen twice is a resend, a key never seen is a lost alert.
"""

from __future__ import annotations

import hmac
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from khronika.worker.notify import signature

JOBS_PER_CHANNEL = 40
RANDOM_KILLS = 4
WINDOW_KILLS = 3  # killed by the receiver after accepting, before the worker could record success
SECRET = b"synthetic webhook secret"
REPO = Path(__file__).resolve().parents[3]


class Receivers:
    """What both receivers saw, and the window kills they still have to make."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.keys: Counter[str] = Counter()
        self.window_kills_left = WINDOW_KILLS
        self.window_kills = 0
        self.bad_signatures = 0
        self.our_pids: set[int] = set()

    def accepted(self, key: str, pid: int) -> None:
        with self.lock:
            self.keys[key] += 1
            if self.window_kills_left and self.keys.total() % 9 == 0 and pid in self.our_pids:
                # The receiver has the message; the sender dies before it hears "accepted".
                self.window_kills_left -= 1
                self.window_kills += 1
                os.kill(pid, signal.SIGKILL)


class SmtpSink:
    def __init__(self, receivers: Receivers) -> None:
        self.receivers = receivers

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content)
        pid = int(message["Subject"].rsplit("pid=", 1)[1])
        self.receivers.accepted(message["Message-ID"].strip("<>").split("@")[0], pid)
        return "250 Message accepted"


def webhook_handler(receivers: Receivers) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            key = self.headers["Idempotency-Key"]
            expected = signature(SECRET, self.headers["X-Khronika-Timestamp"], key, body)
            if not hmac.compare_digest(expected, self.headers["X-Khronika-Signature"]):
                receivers.bad_signatures += 1
                self.send_response(401)
                self.end_headers()
                return
            receivers.accepted(key, json.loads(body)["pid"])
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    return Handler


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def receivers():
    seen = Receivers()
    smtp = Controller(SmtpSink(seen), hostname="127.0.0.1", port=free_port())
    smtp.start()
    web = ThreadingHTTPServer(("127.0.0.1", 0), webhook_handler(seen))
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    try:
        yield seen, smtp.port, web.server_address[1]
    finally:
        web.shutdown()
        smtp.stop()


def job_states(data_dir: Path) -> Counter[str]:
    with sqlite3.connect(data_dir / "khronika.sqlite3") as db:
        # This test's jobs only: the worker also queues the apps' periodic jobs (schedule_periodic).
        rows = db.execute("SELECT state, count(*) FROM worker_job WHERE kind LIKE 'fault.%' GROUP BY state")
        return Counter(dict(rows.fetchall()))


def test_killed_workers_lose_no_alert_and_resend_at_most_once_per_kill(receivers, tmp_path):
    seen, smtp_port, web_port = receivers
    secret_file = tmp_path / "webhook.secret"
    secret_file.write_bytes(SECRET)
    # The workers share an SQLite file of their own in both suite runs (the test reads its job table):
    # under scripts/with-postgres they must not follow DATABASE_URL to the suite's server.
    inherited = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    env = {
        **inherited,
        "KHRONIKA_DATA_DIR": str(tmp_path / "data"),
        "KHRONIKA_SMTP_HOST": "127.0.0.1",
        "KHRONIKA_SMTP_PORT": str(smtp_port),
        "KHRONIKA_SMTP_STARTTLS": "0",
        "KHRONIKA_SMTP_FROM": "alerts@example.org",
        "KHRONIKA_WEBHOOK_SECRET_FILE": str(secret_file),
        "KHRONIKA_WEBHOOK_ALLOW_PRIVATE": "1",  # the receiver listens on loopback
        "FAULT_WEBHOOK_URL": f"http://127.0.0.1:{web_port}/hook",
        "KHRONIKA_LOG_LEVEL": "ERROR",
    }
    prepare = f"from khronika.worker.tests import fault_worker; fault_worker.prepare({JOBS_PER_CHANNEL})"
    subprocess.run([sys.executable, "-c", prepare], env=env, cwd=REPO, check=True, timeout=120)  # noqa: S603  # our code
    command = [sys.executable, "-c", "from khronika.worker.tests import fault_worker; fault_worker.work()"]

    log = (tmp_path / "workers.log").open("ab")  # a file, not a pipe nobody reads: it would fill up

    def start() -> subprocess.Popen:
        process = subprocess.Popen(  # noqa: S603  # our own interpreter and module
            [*command, "--poll", "0.1"], env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=log
        )
        seen.our_pids.add(process.pid)
        return process

    chooser = random.Random(os.environ.get("KHRONIKA_FAULT_SEED"))
    workers = [start(), start()]
    random_kills = 0
    expected = {f"fault-email-{n}" for n in range(JOBS_PER_CHANNEL)}
    expected |= {f"fault-webhook-{n}" for n in range(JOBS_PER_CHANNEL)}
    deadline = time.monotonic() + 50
    next_kill = time.monotonic() + chooser.uniform(0.5, 2.5)
    try:
        while time.monotonic() < deadline and not (
            expected <= set(seen.keys) and job_states(tmp_path / "data")["done"] == 2 * JOBS_PER_CHANNEL
        ):
            if random_kills < RANDOM_KILLS and time.monotonic() >= next_kill:
                victim = chooser.randrange(len(workers))
                workers[victim].send_signal(signal.SIGKILL)
                random_kills += 1
                next_kill = time.monotonic() + chooser.uniform(0.5, 2.5)
            for i, process in enumerate(workers):
                if process.poll() is not None:  # killed (by us or by a receiver): reaped, restarted
                    assert process.returncode == -signal.SIGKILL, (tmp_path / "workers.log").read_text()
                    workers[i] = start()
            time.sleep(0.05)
    finally:
        for process in workers:
            if process.poll() is None:
                process.stdout.readline()  # "running": started up, its SIGTERM handler is in place
                process.send_signal(signal.SIGTERM)  # a clean stop, which must end the process quickly
        codes = [process.wait(timeout=30) for process in workers]
        log.close()

    kills = random_kills + seen.window_kills
    lost = expected - set(seen.keys)
    resends = sum(count - 1 for count in seen.keys.values())
    states = job_states(tmp_path / "data")
    print(
        f"kills={kills} (window {seen.window_kills}) lost={len(lost)} resends={resends} states={dict(states)}"
    )
    assert not lost, f"alerts never delivered: {sorted(lost)}"
    assert states == Counter({"done": 2 * JOBS_PER_CHANNEL})
    assert seen.bad_signatures == 0
    assert set(seen.keys) == expected
    # Every kill in the acceptance window makes the job run again, and no kill makes more than one resend.
    assert seen.window_kills <= resends <= kills
    assert codes == [0, 0], "SIGTERM must stop the worker cleanly"
