"""A due job is run by exactly one worker: the claim is a conditional UPDATE that only changes rows still
queued, stamped with the claiming worker's token; a batch claim takes several at once, disjoint from any
other worker's."""

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
    assert (job.state, job.attempts) == (Job.State.RUNNING, 1)
    assert job.claimed_by.startswith("worker-a:")
    assert job.claimed_until == now + timedelta(seconds=60)


def test_a_claim_made_on_a_stale_reading_changes_no_row(monkeypatch):
    """Two workers read the same due row; the second one's UPDATE finds the version changed."""
    job = jobs.enqueue("test.record", {"n": 1})
    now = timezone.now()
    real_filter = Job.objects.filter
    stolen = []

    def filter_then_race(*args, **kwargs):
        queryset = real_filter(*args, **kwargs)
        if "id__in" in kwargs and "state" in kwargs and not stolen:
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


def test_two_workers_claiming_batches_take_disjoint_jobs_oldest_first():
    now = timezone.now()
    made = [jobs.enqueue("test.record", {"n": n}, run_at=now - timedelta(seconds=30 - n)) for n in range(25)]

    first = jobs.claim_batch(now, "worker-a", 10)
    second = jobs.claim_batch(now, "worker-b", 10)
    third = jobs.claim_batch(now, "worker-c", 10)

    assert [job.pk for job in first] == [job.pk for job in made[:10]]
    assert [job.pk for job in second] == [job.pk for job in made[10:20]]
    assert [job.pk for job in third] == [job.pk for job in made[20:]]
    assert len({job.claimed_by for job in first}) == 1 and first[0].claimed_by.startswith("worker-a:")


def test_jobs_handed_back_unstarted_lose_no_attempt_and_are_due_again():
    now = timezone.now()
    for n in range(3):
        jobs.enqueue("test.record", {"n": n}, run_at=now)
    claimed = jobs.claim_batch(now, "worker-a", 3)

    assert jobs.release(claimed[1:]) == 2

    assert [job.attempts for job in Job.objects.order_by("id")] == [1, 0, 0]
    assert len(jobs.claim_batch(now, "worker-b", 5)) == 2


def test_a_batch_whose_lease_would_run_out_hands_the_rest_back(settings, monkeypatch):
    """A worker slowed down mid-batch must not start a job another worker may take when its lease ends."""
    settings.KHRONIKA_WORKER_LEASE_SECONDS, settings.KHRONIKA_WORKER_JOB_TIMEOUT_SECONDS = 60, 45
    for n in range(3):
        jobs.enqueue("test.record", {"n": n})
    clock = iter([0.0, 1.0, 20.0])  # the claim, the first job's start, then a stall before the second
    monkeypatch.setattr(jobs.time, "monotonic", lambda: next(clock))

    assert jobs.run_due(limit=3) == 1

    assert handlers.calls == [{"n": 0}]
    states = list(Job.objects.order_by("id").values_list("state", "attempts"))
    assert states == [(Job.State.DONE, 1), (Job.State.QUEUED, 0), (Job.State.QUEUED, 0)]
