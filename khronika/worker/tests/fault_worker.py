"""The worker process of ``test_delivery_under_faults``: the real ``khronika worker`` command with two
test handlers that send through ``notify`` to the receivers the test runs on loopback.

``python -c "from khronika.worker.tests import fault_worker; fault_worker.prepare(N)"`` migrates a fresh
data folder and queues N e-mail and N webhook jobs; ``fault_worker.work()`` runs ``khronika worker``.
Each message names the sending process, so that the receiver can kill it right after accepting it.
"""

from __future__ import annotations

import os
import sys
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khronika.settings")
    import django

    django.setup()


def _register() -> None:
    from khronika.worker import notify
    from khronika.worker.jobs import register

    @register("fault.email")
    def email(payload: dict[str, Any]) -> None:
        notify.send_email(
            "synthetic.contact@example.org",
            f"Synthetic alert {payload['n']} pid={os.getpid()}",
            "A synthetic check-in was missed.",
            message_id=f"fault-email-{payload['n']}",
        )

    @register("fault.webhook")
    def webhook(payload: dict[str, Any]) -> None:
        notify.send_webhook(
            os.environ["FAULT_WEBHOOK_URL"],
            {"n": payload["n"], "pid": os.getpid()},
            key=f"fault-webhook-{payload['n']}",
        )


def prepare(count: int) -> None:
    _setup()
    from django.core.management import call_command

    from khronika.worker.jobs import enqueue

    call_command("migrate", verbosity=0)
    for n in range(count):
        enqueue("fault.email", {"n": n}, idempotency_key=f"fault-email-{n}")
        enqueue("fault.webhook", {"n": n}, idempotency_key=f"fault-webhook-{n}")


def work() -> None:
    _setup()
    _register()
    from khronika.cli import main

    main(["khronika", "worker", *sys.argv[1:]])
