"""A kind registered with its own time limit (an estimation, a linkage run) runs past the default limit
and keeps its job for that long: the worker extends its lease before starting it, so no other worker
takes it while it runs."""

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


def test_a_kind_with_its_own_limit_gets_it_and_others_the_default(settings):
    settings.KHRONIKA_WORKER_JOB_TIMEOUT_SECONDS = 45
    assert jobs.time_limit("test.long") == 120
    assert jobs.time_limit("test.record") == 45


def test_a_long_job_holds_a_lease_as_long_as_its_limit_while_it_runs(settings):
    settings.KHRONIKA_WORKER_LEASE_SECONDS = 60
    job = jobs.enqueue("test.long", {})
    job.payload = {"job": job.pk}
    job.save()
    started = timezone.now()

    assert jobs.run_due(worker_id="worker-a") == 1

    job.refresh_from_db()
    assert job.state == Job.State.DONE
    held_until = handlers.calls[0]["claimed_until"]
    assert held_until >= started + timedelta(seconds=120)
    # Another worker looking for due jobs while it ran would not have found it.
    assert held_until > started + timedelta(seconds=60)


def test_a_time_limit_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        jobs.register("test.never", timeout=0)
