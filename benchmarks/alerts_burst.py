"""A burst of missed check-ins: every alert delivered within 60 s, none twice, none lost, even when the
worker is killed.

``python -m benchmarks.alerts_burst [--quick] [--workers N]``: 10,000 check-ins (1,000 with ``--quick``)
whose deadlines fall in the same second, on a fresh SQLite instance; ``khronika worker`` processes send
the alerts to a real SMTP server on loopback (aiosmtpd) that counts messages by Message-ID (the
idempotency key). Two rounds, each with its own check-ins:

1. **clean**: the workers run undisturbed. Figures: seconds from the deadline to the last alert at the
   sink, duplicates, missing, the workers' peak memory (VmHWM).
2. **killed**: one worker is killed with SIGKILL twice during the burst (after a quarter and after
   two thirds of the alerts) and restarted at once. Figures: the same; duplicates are expected here
   (a kill between the server's acceptance and our commit), missing must still be 0.

Targets: clean: all delivered ≤ 60 s after the deadline, 0 duplicates, 0 missing, peak ≤ 300 MB;
killed: 0 missing. The last line is one JSON object with every figure and "targets_met".
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from email import message_from_bytes
from pathlib import Path
from typing import Any

from benchmarks.common import REPO, free_port, fresh_instance

TARGET_SECONDS = 60
TARGET_MEMORY_MB = 300


class Sink:
    """Counts accepted messages by Message-ID, with the time the last new one arrived."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.keys: Counter[str] = Counter()
        self.last_arrival = 0.0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        key = message_from_bytes(envelope.content)["Message-ID"].strip("<>").split("@")[0]
        with self.lock:
            self.keys[key] += 1
            self.last_arrival = time.time()
        return "250 Message accepted"


def peak_memory_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MB; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def make_checkins(count: int, label: str) -> set[str]:
    """``count`` open check-ins with one e-mail contact each; returns the Message-IDs to expect."""
    from django.db import transaction

    from khronika.checkins.services import create_checkin

    expected = set()
    with transaction.atomic():
        for n in range(count):
            made = create_checkin(
                minutes=60,
                contacts=[f"synthetic.contact.{label}.{n}@example.org"],
                message=f"Synthetic check-in {label} {n}: I went to meet a stranger.",
                language="en",
            )
            expected.add(f"checkin-{made.checkin.pk.hex}-0")
    return expected


def due_in(seconds: float, ids: set[str]) -> float:
    """Move the deadlines of these check-ins (and their queued alerts) to one moment ``seconds`` away."""
    from datetime import UTC, datetime

    from khronika.checkins.models import CheckIn
    from khronika.worker.models import Job

    moment = time.time() + seconds
    when = datetime.fromtimestamp(moment, tz=UTC)
    hexes = [key.split("-")[1] for key in ids]
    CheckIn.objects.filter(pk__in=hexes).update(deadline=when)
    Job.objects.filter(idempotency_key__in=[f"checkin-{h}-deadline" for h in hexes]).update(run_at=when)
    return moment


def run_round(
    name: str, count: int, workers: int, sink: Sink, env: dict[str, str], kills: int
) -> dict[str, Any]:
    expected = make_checkins(count, name)
    with sink.lock:
        sink.keys.clear()
    log = (Path(env["KHRONIKA_DATA_DIR"]) / f"workers-{name}.log").open("ab")

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(  # our own interpreter and module
            [sys.executable, "-m", "khronika.cli", "worker", "--poll", "0.2"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )

    processes = [start() for _ in range(workers)]
    deadline = due_in(8, expected)  # time for the workers to start
    peak = 0.0
    killed = 0
    kill_at = [count // 4, 2 * count // 3][:kills]
    give_up = deadline + TARGET_SECONDS + 120
    while time.time() < give_up:
        with sink.lock:
            seen = set(sink.keys)
        peak = max([peak, *(peak_memory_mb(p.pid) for p in processes)])
        if killed < len(kill_at) and len(seen & expected) >= kill_at[killed]:
            victim = processes[killed % workers]
            peak = max(peak, peak_memory_mb(victim.pid))
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            processes[killed % workers] = start()
            killed += 1
            print(f"  {name}: killed a worker (SIGKILL) after {len(seen & expected)} alerts", flush=True)
        if expected <= seen:
            break
        time.sleep(0.05)
    time.sleep(1)  # a late duplicate still counts
    peak = max([peak, *(peak_memory_mb(p.pid) for p in processes)])
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
    log.close()
    with sink.lock:
        keys = Counter(sink.keys)
        last = sink.last_arrival
    missing = len(expected - set(keys))
    duplicates = sum(n - 1 for key, n in keys.items() if key in expected)
    seconds = round(last - deadline, 1) if not missing else None
    print(
        f"  {name}: {count} check-ins, last alert {seconds} s after the deadline, "
        f"{duplicates} duplicates, {missing} missing, peak {peak:.0f} MB, {killed} kills",
        flush=True,
    )
    return {
        f"{name}_checkins": count,
        f"{name}_seconds_to_last_alert": seconds,
        f"{name}_duplicates": duplicates,
        f"{name}_missing": missing,
        f"{name}_peak_memory_mb": round(peak, 1),
        f"{name}_kills": killed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 check-ins instead of 10,000")
    parser.add_argument("--workers", type=int, default=4, help="worker processes (default 4)")
    options = parser.parse_args()
    count = 1_000 if options.quick else 10_000

    from aiosmtpd.controller import Controller

    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    settings_env = {
        "KHRONIKA_SMTP_HOST": "127.0.0.1",
        "KHRONIKA_SMTP_PORT": str(smtp.port),
        "KHRONIKA_SMTP_STARTTLS": "0",
        "KHRONIKA_SMTP_FROM": "alerts@example.org",
        "KHRONIKA_LOG_LEVEL": "ERROR",
    }
    try:
        with fresh_instance("sqlite", "alerts-burst", **settings_env) as data_dir:
            import django

            django.setup()
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            env = {**os.environ, "KHRONIKA_DATA_DIR": str(data_dir)}
            print(f"alerts_burst: {count} check-ins per round, {options.workers} workers, SQLite", flush=True)
            figures: dict[str, Any] = {"backend": "sqlite", "workers": options.workers}
            figures |= run_round("clean", count, options.workers, sink, env, kills=0)
            figures |= run_round("killed", count, options.workers, sink, env, kills=2)
    finally:
        smtp.stop()
    clean_seconds = figures["clean_seconds_to_last_alert"]
    figures["targets_met"] = bool(
        clean_seconds is not None
        and clean_seconds <= TARGET_SECONDS
        and figures["clean_duplicates"] == 0
        and figures["clean_missing"] == 0
        and figures["clean_peak_memory_mb"] <= TARGET_MEMORY_MB
        and figures["killed_missing"] == 0
        and figures["killed_peak_memory_mb"] <= TARGET_MEMORY_MB
    )
    print(json.dumps(figures), flush=True)
    raise SystemExit(0 if figures["targets_met"] else 1)


if __name__ == "__main__":
    main()
