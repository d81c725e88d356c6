"""Stored estimates for tests that need one but not a run of the estimators (synthetic figures)."""

from __future__ import annotations

from typing import Any

from khronika.accounts.models import Compartment
from khronika.estimation.models import Estimate, EstimationRun, NoisyTable


def estimate_in(compartment: Compartment, **fields: Any) -> Estimate:
    """A log-linear estimate for "all", made from ``compartment`` (unless ``fields`` say otherwise)."""
    run = EstimationRun.objects.create(compartments=[compartment.id])
    values: dict[str, Any] = {
        "run": run,
        "method": "loglinear",
        "dimension": "all",
        "stratum": "all",
        "documented": 60,
        "estimate": 120.0,
        "lower": 90.0,
        "upper": 180.0,
    }
    return Estimate.objects.create(**{**values, **fields})


def public_version_of(exact: Estimate, epsilon: float = 0.5, **fields: Any) -> Estimate:
    """A published version of ``exact`` made from a (synthetic) noisy table, as ``publish`` makes."""
    table = NoisyTable.objects.create(source=exact, epsilon=epsilon, lists=exact.lists)
    values: dict[str, Any] = {
        "run": exact.run,
        "method": exact.method,
        "dimension": exact.dimension,
        "stratum": exact.stratum,
        "documented": exact.documented,
        "estimate": exact.estimate,
        "lower": exact.lower,
        "upper": exact.upper,
        "noisy_table": table,
        "published": True,
    }
    return Estimate.objects.create(**{**values, **fields})
