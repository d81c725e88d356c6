"""Failures are retried with exponential backoff, then kept as "failed": never dropped silently."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from khronika.ledger.models import LedgerEntry
from khronika.worker import jobs
from khronika.worker.models import Job
from khronika.worker.tests import handlers  # noqa: F401  # registers the test handlers

pytestmark = pytest.mark.django_db


def test_each_failed_attempt_waits_twice_as_long_as_the_one_before(settings):
    settings.KHRONIKA_WORKER_BACKOFF_SECONDS = 10
    job = jobs.enqueue("test.fail", {"n": 1})
    now = timezone.now()
    waits = []
    for _ in range(4):
        assert jobs.run_due(now, worker_id="worker-a") == 1
        job.refresh_from_db()
        waits.append((job.run_at - now).total_seconds())
        now = job.run_at

    for wait, expected in zip(waits, [10, 20, 40, 80], strict=True):
        assert expected <= wait <= expected * 1.1  # plus up to 10 % jitter
    assert job.state == Job.State.QUEUED
    assert job.last_error == "The synthetic receiver is down."


def test_the_wait_is_capped(settings):
    settings.KHRONIKA_WORKER_BACKOFF_SECONDS = 10
    settings.KHRONIKA_WORKER_BACKOFF_MAX_SECONDS = 3600
    assert timedelta(hours=1) <= jobs.backoff(30) <= timedelta(hours=1.1)


def test_after_its_last_attempt_a_job_is_failed_and_written_to_the_ledger(settings):
    settings.KHRONIKA_WORKER_MAX_ATTEMPTS = 3
    job = jobs.enqueue("test.fail", {"n": 1})
    now = timezone.now()
    for _ in range(3):
        assert jobs.run_due(now, worker_id="worker-a") == 1
        now += timedelta(hours=2)

    job.refresh_from_db()
    assert (job.state, job.attempts) == (Job.State.FAILED, 3)
    assert job.finished_at is not None
    assert LedgerEntry.objects.filter(
        action="job-failed", object_type="worker.job", object_id=str(job.pk)
    ).exists()
    assert jobs.run_due(now, worker_id="worker-a") == 0


def test_a_permanent_error_fails_the_job_at_once():
    job = jobs.enqueue("test.permanent", {"n": 1})
    jobs.run_due(worker_id="worker-a")
    job.refresh_from_db()
    assert (job.state, job.attempts, job.last_error) == (Job.State.FAILED, 1, "This address can never work.")


def test_an_unexpected_error_is_kept_without_its_message(caplog):
    """Threat model 1: a library's message may quote an address; the job table and log are in clear."""
    job = jobs.enqueue("test.crash", {"n": 1})
    jobs.run_due(worker_id="worker-a")
    job.refresh_from_db()
    assert job.last_error.startswith("RuntimeError")
    assert "example.org" not in job.last_error
    assert "example.org" not in caplog.text


def test_a_job_of_a_kind_nobody_handles_is_retried_not_dropped():
    job = jobs.enqueue("nobody.handles.this", {"n": 1})
    jobs.run_due(worker_id="worker-a")
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED
    assert "No handler" in job.last_error


def test_a_hung_handler_is_stopped_before_its_lease_runs_out(settings):
    settings.KHRONIKA_WORKER_JOB_TIMEOUT_SECONDS = 0.2
    job = jobs.enqueue("test.hang", {"n": 1})
    jobs.run_due(worker_id="worker-a")
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED
    assert "longer than" in job.last_error
