"""Enqueuing twice with one idempotency key gives the one job; payloads carry ids, not content."""

from __future__ import annotations

import pytest
from django.db import transaction

from khronika.worker import jobs
from khronika.worker.models import Job

pytestmark = pytest.mark.django_db


def test_the_same_key_twice_gives_the_existing_job():
    first = jobs.enqueue("test.record", {"n": 1}, idempotency_key="checkin:7:alert")
    second = jobs.enqueue("test.record", {"n": 1}, idempotency_key="checkin:7:alert")
    assert first.pk == second.pk
    assert Job.objects.count() == 1


def test_the_same_key_after_the_job_ran_does_not_queue_it_again():
    jobs.enqueue("test.record", {"n": 1}, idempotency_key="once")
    jobs.run_due(worker_id="worker-a")
    again = jobs.enqueue("test.record", {"n": 1}, idempotency_key="once")
    assert again.state == Job.State.DONE
    assert jobs.run_due(worker_id="worker-a") == 0


def test_without_a_key_every_enqueue_is_a_new_job():
    jobs.enqueue("test.record", {"n": 1})
    jobs.enqueue("test.record", {"n": 1})
    assert Job.objects.count() == 2
    assert len(set(Job.objects.values_list("idempotency_key", flat=True))) == 2


def test_a_key_already_used_by_another_kind_is_refused():
    jobs.enqueue("test.record", {"n": 1}, idempotency_key="shared")
    with pytest.raises(ValueError, match="another kind"):
        jobs.enqueue("test.fail", {"n": 1}, idempotency_key="shared")


def test_a_duplicate_key_leaves_the_callers_transaction_usable():
    with transaction.atomic():
        jobs.enqueue("test.record", {"n": 1}, idempotency_key="k")
        jobs.enqueue("test.record", {"n": 2}, idempotency_key="k")
        assert Job.objects.count() == 1  # the transaction still works after the duplicate


@pytest.mark.parametrize(
    "payload",
    [
        {"message": "Synthetic message long enough to be a narrative rather than an id " * 3},
        {"contact": {"name": "Synthetic Person"}},
        {"when": 1.5},
    ],
)
def test_it_refuses_payloads_that_carry_content_rather_than_ids(payload):
    """Threat model 1: the job table is stored in the clear."""
    with pytest.raises((TypeError, ValueError)):
        jobs.enqueue("test.record", payload)
    assert not Job.objects.exists()


def test_it_accepts_ids_flags_and_lists_of_ids():
    job = jobs.enqueue("test.record", {"checkin": 7, "contacts": [1, 2], "duress": True, "ref": "a1b2"})
    assert job.payload["contacts"] == [1, 2]
