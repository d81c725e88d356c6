"""The /estimation/ page: who may run, read and publish, and what a user outside may learn (nothing)."""

import pytest
from django.test import Client
from django.urls import reverse

from khronika.accounts.roles import Role
from khronika.estimation.models import EstimationRun
from khronika.estimation.tests.factories import estimate_in, public_version_of
from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import UserFactory


@pytest.fixture
def coordinator(team):
    return UserFactory(username="coord", role=Role.COORDINATOR, compartments=[team.home])


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_it_answers_404_to_a_role_without_the_capability(team):
    client = client_for(team.documenter)

    assert client.get(reverse("estimation:overview")).status_code == 404
    assert client.post(reverse("estimation:run")).status_code == 404
    assert not EstimationRun.objects.exists()


def test_estimates_of_other_compartments_are_neither_shown_nor_publishable(team, coordinator):
    theirs = estimate_in(team.elsewhere, estimate=4321.0)
    client = client_for(coordinator)

    assert b"4321" not in client.get(reverse("estimation:overview")).content
    assert client.post(reverse("estimation:publish", args=[theirs.id])).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.published


def test_staff_see_the_exact_figure_and_the_public_one_beside_it(team, coordinator):
    estimate = estimate_in(team.home, created_by=team.analyst)
    client = client_for(coordinator)
    page = client.get(reverse("estimation:overview")).content
    assert b"90 \xe2\x80\x93 180" in page and b"not published" in page
    assert reverse("estimation:publish", args=[estimate.id]).encode() in page

    public = public_version_of(estimate, estimate=130.0, lower=95.0, upper=210.0)

    page = client.get(reverse("estimation:overview")).content
    assert b"90 \xe2\x80\x93 180" in page and b"130 (95 \xe2\x80\x93 210)" in page
    assert reverse("estimation:unpublish", args=[public.id]).encode() in page


def test_a_coordinator_takes_back_a_published_estimate_ledgered(team, coordinator):
    public = public_version_of(estimate_in(team.home, created_by=team.analyst))

    client_for(coordinator).post(reverse("estimation:unpublish", args=[public.id]))

    public.refresh_from_db()
    assert not public.published
    actions = LedgerEntry.objects.filter(object_id=str(public.id)).values_list("action", flat=True)
    assert list(actions) == ["unpublish"]


def test_an_analyst_may_not_publish(team):
    estimate = estimate_in(team.home)

    assert client_for(team.analyst).post(reverse("estimation:publish", args=[estimate.id])).status_code == 404


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"upper": None}, b"no upper limit"),
        ({"method": "lcmcr", "diagnostics": {"converged": False}}, b"had not settled"),
        ({"lists": ["victim", "lawyer"]}, b"not made from 3 to 12 lists"),
    ],
)
def test_it_refuses_to_publish_an_unsound_figure(team, coordinator, fields, words):
    estimate = estimate_in(team.home, **fields)

    response = client_for(coordinator).post(reverse("estimation:publish", args=[estimate.id]), follow=True)

    assert words in response.content
    estimate.refresh_from_db()
    assert not estimate.published


def test_the_coordinator_who_ran_it_may_not_publish_it_alone(team, coordinator):
    estimate = estimate_in(team.home, created_by=coordinator)

    response = client_for(coordinator).post(reverse("estimation:publish", args=[estimate.id]), follow=True)

    assert b"Another coordinator must publish" in response.content
    estimate.refresh_from_db()
    assert not estimate.published
