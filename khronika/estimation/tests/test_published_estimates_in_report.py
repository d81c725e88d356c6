"""Public reports show an estimate only once a coordinator published it, always with its interval."""

from datetime import date

import pytest

from khronika.estimation.tests.factories import estimate_in
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
    estimate_in(team.home, dimension="region", stratum="RU-DA", published=True)
    estimate_in(team.home, dimension="region", stratum="RU-CE", published=False)
    estimate_in(team.home, published=True)

    shown = report_context(release, "en")["estimates"]

    assert sorted(row["stratum"] for row in shown) == ["Republic of Dagestan", "all regions, years and acts"]
    assert all((row["lower"], row["upper"]) == (90.0, 180.0) for row in shown)
    assert {row["method"] for row in shown} == {"log-linear model"}


def test_no_estimate_appears_before_one_is_published(team, release):
    estimate_in(team.home, dimension="region", stratum="RU-DA", published=False)

    assert report_context(release, "en")["estimates"] == []
