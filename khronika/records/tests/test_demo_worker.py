"""The demo is one command: it runs the background jobs (an estimation, a linkage run) in a thread of
its own process, so "Estimate now" in the demo gives estimates instead of waiting forever."""

from __future__ import annotations

import time

import pytest

from khronika.records.management.commands.demo import _start_worker
from khronika.worker import jobs
from khronika.worker.models import Job
from khronika.worker.tests import handlers


@pytest.mark.django_db(transaction=True)
def test_the_demo_runs_queued_jobs_in_a_thread(settings):
    settings.KHRONIKA_WORKER_POLL_SECONDS = 0.05
    handlers.calls.clear()
    job = jobs.enqueue("test.record", {"n": 7})
    stop, thread = _start_worker()
    try:
        deadline = time.monotonic() + 20
        while Job.objects.get(pk=job.pk).state != Job.State.DONE and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert Job.objects.get(pk=job.pk).state == Job.State.DONE
    assert handlers.calls == [{"n": 7}]
