"""A due job is run by exactly one worker: the claim is a conditional UPDATE that must change one row."""

from __future__ import annotations

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


def test_a_due_job_is_claimed_by_one_worker_only():
    job = jobs.enqueue("test.record", {"n": 1})
    now = timezone.now()

    first = jobs.claim_next(now, "worker-a")
    second = jobs.claim_next(now, "worker-b")

    assert first is not None and first.pk == job.pk
    assert second is None
    job.refresh_from_db()
    assert (job.state, job.claimed_by, job.attempts) == (Job.State.RUNNING, "worker-a", 1)
    assert job.claimed_until == now + timedelta(seconds=60)


def test_a_claim_made_on_a_stale_reading_changes_no_row(monkeypatch):
    """Two workers read the same due row; the second one's UPDATE finds the version changed."""
    job = jobs.enqueue("test.record", {"n": 1})
    now = timezone.now()
    real_filter = Job.objects.filter
    stolen = []

    def filter_then_race(*args, **kwargs):
        queryset = real_filter(*args, **kwargs)
        if "state" in kwargs and "attempts" in kwargs and not stolen:
            # Another worker claims the row between our reading and our UPDATE.
            stolen.append(
                real_filter(id=job.pk).update(state=Job.State.RUNNING, claimed_by="other", attempts=1)
            )
        return queryset

    monkeypatch.setattr(Job.objects, "filter", filter_then_race)
    assert jobs.claim_next(now, "worker-a") is None
    assert stolen == [1]
    job.refresh_from_db()
    assert job.claimed_by == "other"


def test_run_due_runs_each_due_job_once_and_marks_it_done():
    for n in range(3):
        jobs.enqueue("test.record", {"n": n})

    assert jobs.run_due(worker_id="worker-a") == 3
    assert jobs.run_due(worker_id="worker-b") == 0

    assert sorted(call["n"] for call in handlers.calls) == [0, 1, 2]
    assert set(Job.objects.values_list("state", flat=True)) == {Job.State.DONE}
    assert not Job.objects.exclude(claimed_by="").exists()


def test_a_job_is_not_run_before_its_time():
    later = timezone.now() + timedelta(minutes=5)
    jobs.enqueue("test.record", {"n": 1}, run_at=later)

    assert jobs.run_due(worker_id="worker-a") == 0
    assert jobs.run_due(later, worker_id="worker-a") == 1
    assert handlers.calls == [{"n": 1}]


def test_run_due_stops_between_jobs_when_asked():
    for n in range(3):
        jobs.enqueue("test.record", {"n": n})

    assert jobs.run_due(worker_id="worker-a", should_stop=lambda: len(handlers.calls) >= 1) == 1
    assert Job.objects.filter(state=Job.State.QUEUED).count() == 2
