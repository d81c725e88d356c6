"""Public reports show an estimate only once a coordinator published it, always with its interval, and
only its differentially private version: never an exact figure."""

from datetime import date

import pytest

from khronika.estimation.tests.factories import estimate_in, public_version_of
from khronika.publishing.models import Release
from khronika.publishing.report import report_context


@pytest.fixture
def release(team):
    return Release.objects.create(
        kind=Release.Kind.COUNTS,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 3, 31),
        epsilon=0.1,
        requested_by=team.analyst,
    )


def test_only_published_estimates_appear_in_the_report_context(team, release):
    public_version_of(estimate_in(team.home, dimension="region", stratum="RU-DA"))
    public_version_of(estimate_in(team.home, dimension="region", stratum="RU-CE"), published=False)
    public_version_of(estimate_in(team.home))

    shown = report_context(release, "en")["estimates"]

    assert sorted(row["stratum"] for row in shown) == ["Republic of Dagestan", "all regions, years and acts"]
    assert all((row["lower"], row["upper"]) == (90.0, 180.0) for row in shown)
    assert {row["method"] for row in shown} == {"log-linear model"}


def test_an_exact_estimate_never_appears_even_if_marked_published(team, release):
    """Threat model 5: only a figure made from a noisy table may reach the public."""
    estimate_in(team.home, published=True, estimate=4321.0)

    assert report_context(release, "en")["estimates"] == []


def test_no_estimate_appears_before_one_is_published(team, release):
    estimate_in(team.home, dimension="region", stratum="RU-DA", published=False)

    assert report_context(release, "en")["estimates"] == []
