"""Job handlers for the queue's tests (registered on import; kinds start with ``test.``)."""

from __future__ import annotations

import time
from typing import Any

from khronika.worker.jobs import JobError, PermanentJobError, register

calls: list[dict[str, Any]] = []


@register("test.record")
def record_call(payload: dict[str, Any]) -> None:
    calls.append(payload)


@register("test.fail")
def fail(payload: dict[str, Any]) -> None:
    raise JobError("The synthetic receiver is down.")


@register("test.crash")
def crash(payload: dict[str, Any]) -> None:
    raise RuntimeError("550 mailbox unavailable: synthetic.contact@example.org")


@register("test.permanent")
def permanent(payload: dict[str, Any]) -> None:
    raise PermanentJobError("This address can never work.")


@register("test.hang")
def hang(payload: dict[str, Any]) -> None:
    time.sleep(5)


@register("test.long", timeout=120)
def long_job(payload: dict[str, Any]) -> None:
    """Work that is long by nature: records the lease it holds while it runs."""
    from khronika.worker.models import Job

    calls.append({"claimed_until": Job.objects.get(pk=payload["job"]).claimed_until})
