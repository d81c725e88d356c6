"""Jobs that ran out of attempts stay visible to coordinators, who can send them again (ledgered)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from khronika.accounts.roles import Role
from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import UserFactory
from khronika.worker import jobs
from khronika.worker.models import Job
from khronika.worker.tests import handlers  # noqa: F401  # registers the test handlers

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_job():
    job = jobs.enqueue("test.permanent", {"checkin": 7})
    jobs.run_due(worker_id="worker-a")
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    return job


def logged_in(role):
    client = Client()
    client.force_login(UserFactory(role=role))
    return client


def test_a_coordinator_sees_the_failed_job_and_why(failed_job):
    response = logged_in(Role.COORDINATOR).get(reverse("worker:failures"))
    assert response.status_code == 200
    assert b"test.permanent" in response.content
    assert b"This address can never work." in response.content


def test_a_documenter_does_not_see_the_page(failed_job):
    assert logged_in(Role.DOCUMENTER).get(reverse("worker:failures")).status_code == 404


def test_try_again_queues_the_job_with_fresh_attempts_and_writes_the_ledger(failed_job):
    client = logged_in(Role.COORDINATOR)
    response = client.post(reverse("worker:retry"), {"job": failed_job.pk})

    assert response.status_code == 302
    failed_job.refresh_from_db()
    assert (failed_job.state, failed_job.attempts) == (Job.State.QUEUED, 0)
    assert LedgerEntry.objects.filter(action="job-retry", object_id=str(failed_job.pk)).exists()


def test_try_again_on_a_job_that_has_not_failed_changes_nothing():
    job = jobs.enqueue("test.record", {"checkin": 7})
    response = logged_in(Role.COORDINATOR).post(reverse("worker:retry"), {"job": job.pk}, follow=True)
    assert b"no longer waiting" in response.content
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED
    assert not LedgerEntry.objects.filter(action="job-retry").exists()
