"""``khronika demo``: a demo instance with synthetic data, served on http://127.0.0.1:8000."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from rich.progress import Progress

from khronika.intake.demo import create_demo_reports
from khronika.records.demo import DEMO_PASSWORD, create_demo_staff, generate
from khronika.records.models import Incident
from khronika.records.reference import load_reference_data
from khronika.vault.demo import ensure_demo_vault


class Command(BaseCommand):
    help = "Create (once) and serve a demo instance with synthetic people and incidents."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size", type=int, default=2000, help="Synthetic incidents to create (default 2000)."
        )
        parser.add_argument("--no-serve", action="store_true", help="Prepare the data, then stop.")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        # The demo runs the vault for real: its database is as unreadable as a production one.
        passphrase = ensure_demo_vault()
        load_reference_data()
        accounts = create_demo_staff()
        missing = options["size"] - Incident.objects.count()
        if missing > 0:
            with Progress(transient=True) as progress:
                task = progress.add_task("Creating synthetic incidents", total=missing)
                summary = generate(missing, progress=lambda n: progress.advance(task, n))
            self.stdout.write(f"Created {summary.incidents} synthetic incidents with {summary.acts} acts.")
        create_demo_reports()
        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING("Demo logins (synthetic data only; two-factor login is off in the demo):")
        )
        for username, role in accounts:
            self.stdout.write(f"  {username:<12} {role:<12} password: {DEMO_PASSWORD}")
        self.stdout.write(
            f"Demo vault passphrase (public, demo only): {passphrase}  "
            "(after a restart: khronika unseal, or run scripts/demo again)"
        )
        self.stdout.write(f"Anonymous report form: http://127.0.0.1:{options['port']}/report/")
        self.stdout.write("")
        if not options["no_serve"]:
            _start_worker()
            call_command("serve", port=options["port"])


def _start_worker() -> tuple[threading.Event, threading.Thread]:
    """Run the background jobs (estimations, linkage runs, reminders, alerts) in a thread of this
    process, which is unsealed already: the demo is one command. A production instance runs
    ``khronika worker`` as a service of its own (docs/operations.md); here jobs have no time limit,
    which the worker sets with a signal only its main thread can receive. Setting the event it
    returns stops the thread after the job in hand."""
    from khronika.worker import jobs
    from khronika.worker.loop import run_loop

    jobs.discover()
    jobs.requeue_interrupted()
    poll = settings.KHRONIKA_WORKER_POLL_SECONDS
    stop = threading.Event()
    worker = threading.Thread(target=run_loop, args=(stop,), kwargs={"poll": poll, "batch": 100}, daemon=True)
    worker.name = "demo-worker"
    worker.start()
    return stop, worker
