"""Queueing an estimation for the worker, one at a time per set of compartments.

Kept apart from ``instance.py`` so that the web process can queue a run without importing numpy,
scipy and statsmodels (every web process would otherwise load them and lock them in memory at start,
vault/hardening.py); the worker's job (``jobs.run_estimation``) calls ``instance.carry_out``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from khronika.estimation.models import EstimationRun
from khronika.ledger.services import record
from khronika.worker.models import Job

JOB_KIND = "estimation.run"
RUNS_LOOKED_AT = 50
"""How many recent runs ``start`` looks through for one of the same compartments still pending."""


def start(user: Any, compartments: Sequence[int]) -> tuple[EstimationRun, bool]:
    """Queue a run over ``compartments`` for the worker; returns the run and whether it is new.

    One run at a time per set of compartments: while one is queued or running, pressing again returns
    it. The idempotency key names the set (hashed: ids only, and short) and the last run of that set,
    so two presses at the same moment make one job, and the next press after it ends makes a new one.
    """
    from khronika.worker.jobs import enqueue  # the worker app imports jobs modules, not the reverse

    wanted = sorted(compartments)
    with transaction.atomic():
        same_set = [
            run
            for run in EstimationRun.objects.select_related("job").order_by("-created_at")[:RUNS_LOOKED_AT]
            if sorted(run.compartments) == wanted
        ]
        if same_set and same_set[0].pending:
            return same_set[0], False
        digest = hashlib.sha256(",".join(map(str, wanted)).encode()).hexdigest()[:16]
        after = str(same_set[0].pk) if same_set else "first"
        estimation_run = EstimationRun.objects.create(
            status=EstimationRun.Status.QUEUED,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            compartments=wanted,
        )
        job = enqueue(
            JOB_KIND, {"run": str(estimation_run.pk)}, idempotency_key=f"{JOB_KIND}:{digest}:{after}"
        )
        if job.payload.get("run") != str(estimation_run.pk):  # another press made it a moment ago
            estimation_run.delete()
            return EstimationRun.objects.select_related("job").get(pk=job.payload["run"]), False
        estimation_run.job = job
        estimation_run.save(update_fields=["job"])
        record(user, "request_estimation", estimation_run)
    return estimation_run, True


WORKER_SILENT_AFTER = timedelta(minutes=2)


def waiting_for_worker(estimation_run: EstimationRun, now: datetime | None = None) -> bool:
    """True when the run's job has been due for a while and no worker took it: the page then says so,
    rather than leaving the user to wait for a worker that is not running."""
    job = estimation_run.job
    if estimation_run.status != EstimationRun.Status.QUEUED or job is None or job.state != Job.State.QUEUED:
        return False
    return job.run_at < (now or timezone.now()) - WORKER_SILENT_AFTER
