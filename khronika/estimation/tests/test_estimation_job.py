""" "Estimate now" queues a worker job and returns at once; the job estimates, the page shows how it went."""

import pytest
from django.test import Client
from django.urls import reverse

from khronika.estimation import instance
from khronika.estimation.models import Estimate, EstimationRun
from khronika.ledger.models import LedgerEntry
from khronika.worker import jobs
from khronika.worker.models import Job


@pytest.fixture(autouse=True)
def short_sampler(settings):
    settings.ESTIMATION_LCMCR_ITERATIONS = 400
    settings.ESTIMATION_LCMCR_CHAINS = 2


@pytest.fixture
def analyst(team):
    client = Client()
    client.force_login(team.analyst)
    return client


def test_the_request_only_queues_the_estimation(team, analyst, sources, victim_of, monkeypatch):
    victim_of(sources["victim"], sources["lawyer"])

    def no_estimating_in_the_request(*args, **kwargs):
        raise AssertionError("the web request estimated")

    monkeypatch.setattr(instance, "estimate_into", no_estimating_in_the_request)

    response = analyst.post(reverse("estimation:run"), follow=True)

    assert response.status_code == 200
    run = EstimationRun.objects.get()
    assert run.status == "queued" and run.created_by == team.analyst and run.compartments == [team.home.id]
    assert Job.objects.get().payload == {"run": str(run.id)}
    assert b"queued" in response.content
    assert b'<meta http-equiv="refresh"' in response.content
    assert not Estimate.objects.exists()
    assert LedgerEntry.objects.filter(action="request_estimation", object_id=str(run.id)).exists()


def test_pressing_again_while_one_waits_queues_nothing_more(analyst):
    analyst.post(reverse("estimation:run"))
    response = analyst.post(reverse("estimation:run"), follow=True)

    assert EstimationRun.objects.count() == 1 and Job.objects.count() == 1
    assert b"already waiting or running" in response.content


def test_the_job_stores_the_estimates_and_the_page_shows_them(team, analyst, sixty_people):
    sixty_people()
    analyst.post(reverse("estimation:run"))

    assert jobs.run_due() == 1

    run = EstimationRun.objects.get()
    assert run.status == "done" and run.finished_at is not None
    assert {(e.dimension, e.method) for e in run.estimates.all()} >= {("all", "loglinear"), ("all", "lcmcr")}
    assert Job.objects.get().state == Job.State.DONE
    page = analyst.get(reverse("estimation:overview")).content
    assert b"finished" in page and b"60 people counted" in page
    assert b'http-equiv="refresh"' not in page
    ledgered = set(LedgerEntry.objects.filter(action="create").values_list("object_id", flat=True))
    assert {str(e.id) for e in run.estimates.all()} | {str(run.id)} <= ledgered
    # Finished, so the next press makes a new run (a new idempotency key).
    analyst.post(reverse("estimation:run"))
    assert EstimationRun.objects.filter(status="queued").count() == 1


def test_a_failing_job_shows_plain_words_and_keeps_no_detail(team, analyst, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("Synthetic Person Name at 12 Secret Street")

    monkeypatch.setattr(instance, "capture_rows", broken)
    analyst.post(reverse("estimation:run"))

    jobs.run_due()

    run = EstimationRun.objects.get()
    assert run.status == "failed"
    job = Job.objects.get()
    assert job.state == Job.State.FAILED and job.attempts == 1  # no retry: it would fail the same way
    page = analyst.get(reverse("estimation:overview")).content.decode()
    assert "failed" in page and "unexpected error, and nothing was stored" in page
    assert "Secret Street" not in page + job.last_error + run.error
    assert LedgerEntry.objects.filter(action="estimation_failed", object_id=str(run.id)).exists()


def test_a_run_whose_worker_died_for_good_shows_failed_and_may_be_started_again(analyst):
    analyst.post(reverse("estimation:run"))
    Job.objects.update(state=Job.State.FAILED)  # the worker was killed on the job's last attempt

    page = analyst.get(reverse("estimation:overview")).content
    assert b"background worker stopped" in page and b'http-equiv="refresh"' not in page

    analyst.post(reverse("estimation:run"))
    assert EstimationRun.objects.count() == 2 and Job.objects.count() == 2


def test_the_job_leaves_a_finished_run_alone(team, analyst):
    analyst.post(reverse("estimation:run"))
    jobs.run_due()
    run = EstimationRun.objects.get()
    finished_at = run.finished_at

    instance.carry_out(str(run.id))  # a duplicate delivery of the same job

    run.refresh_from_db()
    assert run.finished_at == finished_at


def test_the_page_says_when_no_worker_takes_the_run(analyst):
    from datetime import timedelta

    from django.utils import timezone

    analyst.post(reverse("estimation:run"))
    Job.objects.update(run_at=timezone.now() - timedelta(minutes=5))

    assert (
        b"No background worker has taken this estimation yet"
        in analyst.get(reverse("estimation:overview")).content
    )
