"""After a restart the instance is sealed until an operator unseals it: a freshly started `khronika
worker` that never saw the vault's keys still sends a missed check-in's alert (a raid is exactly when
the server is restarted or panicked). A real worker process, a real SMTP server on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from aiosmtpd.controller import Controller

from khronika.checkins.tests.conftest import SYNTHETIC_MESSAGE, Sink, free_port

REPO = Path(__file__).resolve().parents[3]

PREPARE = f"""
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khronika.settings")
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from datetime import timedelta
from django.utils import timezone
from khronika.checkins.models import CheckIn
from khronika.checkins.services import create_checkin, fire_key
from khronika.worker.models import Job
contacts = ["synthetic.friend@example.org"]
made = create_checkin(minutes=30, contacts=contacts, message={SYNTHETIC_MESSAGE!r}, language="en")
past = timezone.now() - timedelta(seconds=1)
CheckIn.objects.filter(pk=made.checkin.pk).update(deadline=past)
Job.objects.filter(idempotency_key=fire_key(made.checkin)).update(run_at=past)
"""


def test_a_fresh_sealed_worker_sends_the_alert(tmp_path):
    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    # Its own SQLite data folder in both suite runs (as the worker's fault test).
    inherited = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    env = {
        **inherited,
        "KHRONIKA_DATA_DIR": str(tmp_path / "data"),
        "KHRONIKA_SMTP_HOST": "127.0.0.1",
        "KHRONIKA_SMTP_PORT": str(smtp.port),
        "KHRONIKA_SMTP_STARTTLS": "0",
        "KHRONIKA_LOG_LEVEL": "ERROR",
    }
    try:
        subprocess.run([sys.executable, "-c", PREPARE], env=env, cwd=REPO, check=True, timeout=120)  # noqa: S603  # our code
        worker = subprocess.run(  # our own interpreter and module
            [sys.executable, "-m", "khronika.cli", "worker", "--once"],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        smtp.stop()
    assert worker.returncode == 0, worker.stderr
    assert "The vault is sealed" in worker.stdout
    [message] = sink.messages
    assert message.get_payload().strip() == SYNTHETIC_MESSAGE
