"""A simulation study: how often each estimator's 95% interval holds the true total, and its bias.

The scenarios were written down before any estimator was run on them, and have not been changed since
(changing them after seeing the results would make coverage a figure of speech). Each draws a
population of known size, decides for every person which lists they are on, keeps the histories of
those on at least one list, and asks each estimator for an interval. The validation figures in
docs/estimation.md and ``benchmarks/estimation.py`` come from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from khronika.estimation import averaging, lcmcr, loglinear
from khronika.estimation.histories import CaptureHistories, EstimationRefused, build


@dataclass(frozen=True)
class Scenario:
    """A population of ``size`` people in classes (``shares``), each with capture probabilities per list.

    ``dependence`` optionally makes list ``b`` depend on list ``a`` directly: a person on ``a`` is on
    ``b`` with probability ``given_on``, a person not on ``a`` with ``given_off`` (a referral between
    two organisations), overriding ``b``'s probabilities in every class.
    """

    name: str
    description: str
    size: int
    shares: tuple[float, ...]
    probabilities: tuple[tuple[float, ...], ...]
    dependence: tuple[int, int, float, float] | None = None


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        name="independent",
        description="2,000 people, 4 lists, everyone equally visible, lists independent",
        size=2000,
        shares=(1.0,),
        probabilities=((0.25, 0.20, 0.15, 0.30),),
    ),
    Scenario(
        name="heterogeneity",
        description="2,000 people, 4 lists; 30% easily documented, 70% hard to reach",
        size=2000,
        shares=(0.3, 0.7),
        probabilities=((0.45, 0.40, 0.35, 0.50), (0.12, 0.08, 0.10, 0.15)),
    ),
    Scenario(
        name="dependence",
        description="2,000 people, 4 lists; list 2 takes referrals from list 1 (0.5 if on list 1, else 0.12)",
        size=2000,
        shares=(1.0,),
        probabilities=((0.20, 0.20, 0.25, 0.15),),
        dependence=(0, 1, 0.5, 0.12),
    ),
    Scenario(
        name="small",
        description="300 people, 3 lists, everyone equally visible, lists independent",
        size=300,
        shares=(1.0,),
        probabilities=((0.30, 0.25, 0.20),),
    ),
)


def draw(scenario: Scenario, rng: np.random.Generator) -> CaptureHistories:
    """One simulated table of documented cases from ``scenario``."""
    width = len(scenario.probabilities[0])
    members = rng.choice(len(scenario.shares), size=scenario.size, p=scenario.shares)
    chances = np.asarray(scenario.probabilities)[members]
    on = rng.random((scenario.size, width)) < chances
    if scenario.dependence is not None:
        a, b, given_on, given_off = scenario.dependence
        on[:, b] = rng.random(scenario.size) < np.where(on[:, a], given_on, given_off)
    seen = on[on.any(axis=1)].astype(np.int64)
    codes, counts = np.unique(seen @ (1 << np.arange(width - 1, -1, -1)), return_counts=True)
    rows = {
        tuple(int(bit) for bit in np.binary_repr(code, width)): int(count)
        for code, count in zip(codes.tolist(), counts.tolist(), strict=True)
    }
    return build([f"list{j + 1}" for j in range(width)], rows)


Interval = tuple[float, float, float | None]
Estimator = Callable[[CaptureHistories, int], Interval]


def loglinear_bic(histories: CaptureHistories, seed: int) -> Interval:
    result = loglinear.estimate(histories, "bic")
    return result.estimate, result.lower, result.upper


def loglinear_aic(histories: CaptureHistories, seed: int) -> Interval:
    result = loglinear.estimate(histories, "aic")
    return result.estimate, result.lower, result.upper


def loglinear_averaged(histories: CaptureHistories, seed: int) -> Interval:
    result = averaging.estimate(histories)
    return result.estimate, result.lower, result.upper


def lcmcr_quick(histories: CaptureHistories, seed: int) -> Interval:
    """LCMCR with fewer sweeps than the command's default, so hundreds of replicates stay affordable."""
    result = lcmcr.estimate(histories, seed=seed, iterations=4000, chains=2)
    return result.estimate, result.lower, result.upper


ESTIMATORS: dict[str, Estimator] = {
    "loglinear_bic": loglinear_bic,
    "loglinear_aic": loglinear_aic,
    "lcmcr": lcmcr_quick,
    "loglinear_averaged": loglinear_averaged,
}
RECOMMENDED = "loglinear_averaged"
"""The estimator docs/estimation.md recommends; the benchmark holds its coverage to 0.90 everywhere."""


@dataclass(frozen=True)
class Summary:
    """How one estimator did over the replicates of one scenario."""

    scenario: str
    estimator: str
    replicates: int
    refused: int
    coverage: float
    relative_bias: float
    median_width: float


def run(
    replicates: int,
    seed: int = 2026,
    scenarios: tuple[Scenario, ...] = SCENARIOS,
    estimators: dict[str, Estimator] | None = None,
) -> list[Summary]:
    """Every estimator on the same ``replicates`` tables of every scenario.

    A refused table counts as a miss for coverage: a user in that situation got no interval.
    ``relative_bias`` is the mean of (estimate - truth) / truth over the tables that were estimated.
    """
    chosen = ESTIMATORS if estimators is None else estimators
    streams = np.random.SeedSequence(seed).spawn(len(scenarios))
    summaries = []
    for scenario, stream in zip(scenarios, streams, strict=True):
        rng = np.random.default_rng(stream)
        tables = [draw(scenario, rng) for _replicate in range(replicates)]
        for name, estimator in chosen.items():
            summaries.append(_summarize(scenario, name, estimator, tables, seed))
    return summaries


def _summarize(
    scenario: Scenario, name: str, estimator: Estimator, tables: list[CaptureHistories], seed: int
) -> Summary:
    truth = scenario.size
    hits = 0
    refused = 0
    errors: list[float] = []
    widths: list[float] = []
    for index, table in enumerate(tables):
        try:
            point, lower, upper = estimator(table, seed + index)
        except EstimationRefused:
            refused += 1
            continue
        top = np.inf if upper is None else upper
        hits += int(lower <= truth <= top)
        errors.append((point - truth) / truth)
        widths.append(top - lower)
    values: npt.NDArray[np.float64] = np.asarray(errors)
    return Summary(
        scenario=scenario.name,
        estimator=name,
        replicates=len(tables),
        refused=refused,
        coverage=hits / len(tables),
        relative_bias=float(values.mean()) if len(values) else float("nan"),
        median_width=float(np.median(widths)) if widths else float("nan"),
    )
