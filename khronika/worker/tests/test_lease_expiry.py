"""A job whose worker was killed is taken again: at once on the same host, else when its lease runs out."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from khronika.worker import jobs
from khronika.worker.models import Job
from khronika.worker.tests import handlers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_calls():
    handlers.calls.clear()


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_job_held_by_a_killed_worker_is_taken_again_after_its_lease():
    job = jobs.enqueue("test.record", {"n": 1})
    now = timezone.now()
    assert jobs.claim_next(now, "far-away:1") is not None  # then that worker is killed: no outcome

    assert jobs.run_due(now + timedelta(seconds=59), worker_id="worker-b") == 0
    assert jobs.run_due(now + timedelta(seconds=61), worker_id="worker-b") == 1

    job.refresh_from_db()
    assert (job.state, job.attempts) == (Job.State.DONE, 2)
    assert handlers.calls == [{"n": 1}]


def test_a_worker_that_outlived_its_lease_does_not_overwrite_the_new_claim():
    job = jobs.enqueue("test.record", {"n": 1})
    now = timezone.now()
    slow = jobs.claim_next(now, "slow")
    fresh = jobs.claim_next(now + timedelta(seconds=61), "fresh")
    assert slow is not None and fresh is not None

    jobs.run_job(slow, "slow")

    job.refresh_from_db()
    assert job.state == Job.State.RUNNING and job.claimed_by == fresh.claimed_by != slow.claimed_by


def test_a_restarted_worker_releases_at_once_the_jobs_of_dead_workers_on_its_host():
    job = jobs.enqueue("test.record", {"n": 1})
    assert jobs.claim_next(timezone.now(), f"{socket.gethostname()}:{dead_pid()}") is not None

    assert jobs.requeue_interrupted() == 1
    assert jobs.run_due(worker_id="worker-b") == 1
    job.refresh_from_db()
    assert job.state == Job.State.DONE


def test_it_leaves_the_jobs_of_running_workers_alone():
    jobs.enqueue("test.record", {"n": 1})
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as alive:
        try:
            assert jobs.claim_next(timezone.now(), f"{socket.gethostname()}:{alive.pid}") is not None
            assert jobs.requeue_interrupted() == 0
            assert jobs.run_due(worker_id="worker-b") == 0
        finally:
            alive.kill()


def test_a_job_that_stopped_its_worker_on_the_last_attempt_fails_instead_of_running_again(settings):
    settings.KHRONIKA_WORKER_MAX_ATTEMPTS = 2
    job = jobs.enqueue("test.record", {"n": 1})
    now = timezone.now()
    for attempt in range(2):  # two workers killed in turn while running it
        assert jobs.claim_next(now + timedelta(seconds=61 * attempt), f"killed-{attempt}") is not None

    assert jobs.run_due(now + timedelta(seconds=200), worker_id="worker-c") == 0
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "stopped while running" in job.last_error
    assert handlers.calls == []
