"""Synthetic acts old enough to publish, with and without consent, and two coordinators."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from khronika.accounts.roles import Role
from khronika.publishing.services import ReleaseRequest
from khronika.records.models import Act, Consent
from khronika.testing.factories import ActFactory, ConsentFactory, IncidentFactory, UserFactory, place, term

OLD_START, OLD_END = date(2025, 1, 1), date(2025, 6, 30)


@pytest.fixture
def coordinators(team):
    first = UserFactory(username="coord-a", role=Role.COORDINATOR, compartments=[team.home])
    second = UserFactory(username="coord-b", role=Role.COORDINATOR, compartments=[team.home])
    return first, second


@pytest.fixture
def generous_budget(settings):
    """A large ε, so that tests which look for a figure find it whatever the noise (never in production)."""
    settings.PUBLISHING_PRIVACY_BUDGET = 100.0
    settings.PUBLISHING_MAX_EPSILON = 6.0
    return 6.0


@pytest.fixture
def make_acts(team) -> Callable[..., list[Act]]:
    """``make_acts(n, region=..., act=..., day=..., consent=True, **act_fields)``: n acts, one victim each."""

    def make(
        n: int,
        region: str = "RU-DA",
        act: str = "deprivation-of-liberty",
        day: date = date(2025, 2, 10),
        consent: bool = True,
        compartment: Any = None,
        **fields: Any,
    ) -> list[Act]:
        acts: list[Any] = []
        for _ in range(n):
            incident = IncidentFactory(
                compartment=compartment or team.home, date_start=day, date_end=day, place=place(region)
            )
            made = ActFactory(incident=incident, act_type=term("act_type", act), **fields)
            if consent:
                ConsentFactory(person=made.victim, scope=Consent.Scope.PUBLICATION)
            acts.append(made)
        return acts

    return make


def counts_request(**overrides: Any) -> ReleaseRequest:
    values: dict[str, Any] = {"kind": "counts", "start": OLD_START, "end": OLD_END, "epsilon": 0.5}
    return ReleaseRequest(**(values | overrides))


def dataset_request(**overrides: Any) -> ReleaseRequest:
    values: dict[str, Any] = {
        "kind": "dataset",
        "start": OLD_START,
        "end": OLD_END,
        "partner": "A synthetic partner",
        "columns": [],
        "place_level": "district",
    }
    return ReleaseRequest(**(values | overrides))
