"""Publishing an estimate publishes a version estimated again from a differentially private table of the
people who may appear in a publication, with its ε charged to the publishing privacy budget."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from khronika.accounts.roles import Role
from khronika.estimation.models import Estimate, EstimationRun, NoisyTable
from khronika.estimation.noisy import publication_rows
from khronika.ledger.models import LedgerEntry
from khronika.publishing import budget
from khronika.publishing.models import Release
from khronika.publishing.report import stored_estimates
from khronika.records.models import Consent
from khronika.testing.factories import ConsentFactory, IncidentFactory, UserFactory, place

LISTS = ["lawyer", "media-outlet", "victim"]


@pytest.fixture(autouse=True)
def little_noise(settings):
    """ε so large that the noise is almost surely nil (scale 0.04): the tests can then assert counts.
    Real publications use ε = 0.5."""
    settings.PUBLISHING_MAX_EPSILON = 50.0
    settings.PUBLISHING_PRIVACY_BUDGET = 100.0
    settings.ESTIMATION_PUBLICATION_EPSILON = 50.0


@pytest.fixture
def coordinator(team):
    client = Client()
    client.force_login(UserFactory(username="coord", role=Role.COORDINATOR, compartments=[team.home]))
    return client


@pytest.fixture
def exact(team):
    """An exact log-linear estimate for "all" over ``LISTS``, made by the analyst (synthetic figures)."""
    run = EstimationRun.objects.create(compartments=[team.home.id], lists=LISTS, created_by=team.analyst)
    return Estimate.objects.create(
        run=run,
        method="loglinear",
        dimension="all",
        stratum="all",
        lists=LISTS,
        documented=60,
        estimate=120.0,
        lower=90.0,
        upper=180.0,
        created_by=team.analyst,
    )


def publish(client, estimate):
    return client.post(reverse("estimation:publish", args=[estimate.id]), follow=True)


def test_publishing_estimates_again_from_a_noisy_table_and_charges_the_budget(
    coordinator, exact, sixty_people
):
    sixty_people(publication=True)

    response = publish(coordinator, exact)

    assert b"Published" in response.content
    public = Estimate.objects.get(noisy_table__isnull=False)
    table = public.noisy_table
    assert public.published and public.noisy_table.source == exact
    assert (public.documented, public.on_several_lists) == (60, 18)
    assert public.upper is not None and 60 <= public.lower <= public.estimate <= public.upper
    assert len(table.cells) == 2 ** len(LISTS) - 1  # every history, empty ones included
    exact.refresh_from_db()
    assert not exact.published  # the exact figure is never published
    assert budget.spent() == pytest.approx(50.0)
    assert [row["estimate"] for row in stored_estimates()] == [public.estimate]
    assert b"published, with noise" in coordinator.get(reverse("estimation:overview")).content
    ledgered = set(LedgerEntry.objects.values_list("action", "object_id"))
    assert {("create", str(table.id)), ("create", str(public.id)), ("publish", str(public.id))} <= ledgered


def test_taking_back_and_publishing_again_spends_nothing_more(coordinator, exact, sixty_people):
    sixty_people(publication=True)
    publish(coordinator, exact)
    public = Estimate.objects.get(noisy_table__isnull=False)

    coordinator.post(reverse("estimation:unpublish", args=[public.id]))
    public.refresh_from_db()
    assert not public.published and stored_estimates() == []

    publish(coordinator, exact)

    public.refresh_from_db()
    assert public.published
    assert NoisyTable.objects.count() == 1 and budget.spent() == pytest.approx(50.0)


def test_a_publication_beyond_the_budget_is_refused(team, settings, coordinator, exact, sixty_people):
    sixty_people(publication=True)
    settings.PUBLISHING_PRIVACY_BUDGET = 60.0
    Release.objects.create(
        kind=Release.Kind.COUNTS,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 3, 31),
        epsilon=20.0,
        requested_by=team.analyst,
    )

    response = publish(coordinator, exact)

    assert b"would exceed the privacy budget" in response.content
    assert not NoisyTable.objects.exists() and not Estimate.objects.filter(published=True).exists()
    assert budget.spent() == pytest.approx(20.0)


def test_only_people_who_may_appear_in_a_publication_are_counted(team, sources, victim_of, exact):
    reported = (sources["victim"], sources["lawyer"])
    counted = victim_of(*reported, publication=True)
    victim_of(*reported)  # statistics only
    victim_of(*reported, consent=False, publication=True)  # publication only
    victim_of(*reported, publication=True, day=timezone.localdate() - timedelta(days=30))  # too recent
    still_going = IncidentFactory(
        compartment=team.home,
        place=place("RU-DA"),
        date_start=date(2024, 3, 1),
        date_end=timezone.localdate() - timedelta(days=10),
    )
    victim_of(*reported, publication=True, incident=still_going)  # ended less than three months ago
    withdrawn = victim_of(*reported, publication=True)
    Consent.objects.filter(person=withdrawn, scope=Consent.Scope.PUBLICATION).update(
        withdrawn_on=timezone.localdate()
    )

    table = publication_rows(exact, timezone.localdate())

    assert table.documented == 1
    assert table.lists == tuple(LISTS)
    assert str(counted.id) not in str(table)  # counts only


def test_a_noisy_table_too_small_is_refused_plainly_and_never_drawn_again(coordinator, exact, sixty_people):
    people = sixty_people()
    for person in people[::2]:  # half of them agreed to publication
        ConsentFactory(person=person, scope=Consent.Scope.PUBLICATION)

    response = publish(coordinator, exact)

    assert b"This estimate cannot be published" in response.content
    assert b"Only 30 cases are documented here" in response.content
    assert NoisyTable.objects.get().refusal["code"] == "too_small"
    assert budget.spent() == pytest.approx(50.0)  # the noise was drawn: its ε stays spent

    again = publish(coordinator, exact)

    assert b"Only 30 cases are documented here" in again.content
    assert NoisyTable.objects.count() == 1 and budget.spent() == pytest.approx(50.0)
    assert not Estimate.objects.filter(published=True).exists()
