"""``khronika worker``: run the job queue (reminders, escalations, check-in alerts) until stopped.

SIGTERM or Ctrl+C stops it after the job in hand (systemd's ``TimeoutStopSec`` must exceed the job
timeout); SIGKILL loses nothing either: the killed worker's jobs are taken again at the next start
(``jobs.requeue_interrupted``) or when their lease runs out. Like ``khronika serve`` it listens on a
control socket, so ``khronika unseal`` / ``seal`` / ``panic`` reach it too.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from khronika.worker import jobs
from khronika.worker.loop import run_loop


class Command(BaseCommand):
    help = "Run the background worker: reminders, escalations and alerts (Ctrl+C stops it)."
    # The system checks would load the URL configuration, and with it every view module and the
    # scientific libraries behind them (hundreds of MB, all locked in memory after mlockall) that no job
    # needs; `khronika serve` and `khronika check` run them. Keeps the worker small (alerts_burst).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run the jobs due now, then stop.")
        parser.add_argument(
            "--poll",
            type=float,
            default=None,
            help="Seconds between looks at an empty queue (default KHRONIKA_WORKER_POLL_SECONDS).",
        )
        parser.add_argument(
            "--batch", type=int, default=100, help="Jobs run between two looks (default 100)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from khronika.vault import state
        from khronika.vault.control import serving_process
        from khronika.vault.crypto import VaultError

        poll = options["poll"] if options["poll"] is not None else settings.KHRONIKA_WORKER_POLL_SECONDS
        stop = threading.Event()
        try:
            with serving_process("worker"):
                # After serving_process, which installs its own SIGTERM exit: we finish the job in hand.
                def request_stop(signum: int, frame: FrameType | None) -> None:
                    stop.set()

                signal.signal(signal.SIGTERM, request_stop)
                signal.signal(signal.SIGINT, request_stop)
                jobs.discover()
                jobs.requeue_interrupted()
                self.stdout.write("The Khronika worker is running (Ctrl+C stops it).")
                if not state.is_unsealed():
                    self.stdout.write(
                        "The vault is sealed: jobs that read encrypted records wait for `khronika unseal`; "
                        "check-in alerts run anyway."
                    )
                self.stdout.flush()
                run_loop(stop, poll=poll, batch=options["batch"], once=options["once"])
        except VaultError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("The Khronika worker has stopped.")
