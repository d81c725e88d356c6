"""Finished jobs are deleted after the retention period; failed and waiting ones are kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from khronika.worker import jobs
from khronika.worker.models import Job
from khronika.worker.tests import handlers  # noqa: F401  # registers the test handlers

pytestmark = pytest.mark.django_db


def test_only_old_finished_jobs_are_deleted(settings):
    settings.KHRONIKA_WORKER_KEEP_DONE_DAYS = 7
    now = timezone.now()
    old_done = jobs.enqueue("test.record", {"n": 1}, run_at=now - timedelta(days=8))
    jobs.run_due(now - timedelta(days=8), worker_id="worker-a")
    recent_done = jobs.enqueue("test.record", {"n": 2}, run_at=now - timedelta(days=1))
    jobs.run_due(now - timedelta(days=1), worker_id="worker-a")
    failed = jobs.enqueue("test.permanent", {"n": 3}, run_at=now - timedelta(days=30))
    jobs.run_due(now - timedelta(days=30), worker_id="worker-a")
    waiting = jobs.enqueue("test.record", {"n": 4}, run_at=now + timedelta(days=30))

    assert jobs.prune(now) == 1
    assert set(Job.objects.values_list("id", flat=True)) == {recent_done.pk, failed.pk, waiting.pk}
    assert not Job.objects.filter(id=old_done.pk).exists()
