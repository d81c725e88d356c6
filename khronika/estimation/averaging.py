"""Log-linear estimation averaged over models, with model-averaged profile-likelihood intervals.

Why: choosing one model by AIC or BIC and then quoting that model's interval treats the choice as if
it were known in advance. When people differ in how visible they are (heterogeneity), the table shows
it as a web of two- and three-list interactions that no single model captures reliably, and the
chosen model's interval is too narrow: in the simulation study the BIC choice covered the truth in 58%
of the heterogeneous tables, LCMCR in 40% (docs/estimation.md). Averaging over every plausible model,
with the uncertainty of the choice carried into the interval, is the standard answer (Buckland,
Burnham and Augustin 1997; Burnham and Anderson 2002).

The models: every hierarchical log-linear model with interactions of up to three lists (at most
``lists - 1``, since the highest interaction would use the last degree of freedom), for three or four
lists; for five or six, the models the two-way stepwise search visits (``loglinear``), as all
hierarchical models are too many. Each gets its Akaike weight; models below ``MIN_WEIGHT`` are left
out, a saving that moves neither figure visibly.

The interval: the model-averaged tail area profile-likelihood interval (MATA-PL) of Fletcher and Turek
(2012). Its lower limit is the N at which the weighted average, over the models, of the upper-tail
areas of each model's signed likelihood root reaches 2.5%, and likewise for the upper limit; with one
model it is exactly Cormack's profile interval. The estimate is the same construction's median (the N
where the averaged tail area is one half; with one model, the peak of its profile likelihood): a
weighted mean of the models' estimates would be carried off by one plausible model whose estimate runs
to millions, as happens on the Maryland table.

Each model's profile likelihood is the one ``loglinear`` computes (``ProfileLikelihood``), so the
figures agree with the single-model method wherever one model carries all the weight.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext_lazy as _
from scipy import optimize, stats

from khronika.estimation import loglinear
from khronika.estimation.histories import CaptureHistories, EstimationRefused, check
from khronika.estimation.loglinear import ProfileLikelihood

MIN_WEIGHT = 0.001
"""Models with a smaller Akaike weight are not profiled (their tail areas change no limit visibly)."""
MAX_ORDER = 3
TAIL = 0.025


@dataclass(frozen=True)
class AveragedResult:
    """The model-averaged estimate of the total and its 95% MATA-PL interval.

    ``upper`` is None when the averaged tail area never falls to 2.5% within a thousand times the
    documented count: plausible models leave the number of unrecorded cases open.
    """

    lists: tuple[str, ...]
    documented: int
    estimate: float
    lower: float
    upper: float | None
    models_compared: int
    models_averaged: int
    best_model: str
    best_weight: float
    search: str


def estimate(histories: CaptureHistories) -> AveragedResult:
    """Average the log-linear models of ``histories`` by their Akaike weights."""
    check(histories)
    width = len(histories.lists)
    loglinear.refuse_too_many_lists(width)
    patterns, counts = histories.full_table()
    fitter = loglinear.Fitter(patterns, counts)
    if width <= loglinear.EXHAUSTIVE_UP_TO:
        fits = [
            fit for fit in map(fitter.fit, loglinear.hierarchical_models(width, MAX_ORDER)) if fit is not None
        ]
        search = "all hierarchical"
    else:
        fits = loglinear.stepwise(fitter, width, "aic")
        search = "stepwise"
    if not fits:
        raise EstimationRefused(
            "no_model", _("No log-linear model could be fitted to this table. Check the linkage.")
        )
    best_aic = min(fit.aic for fit in fits)
    weights = np.array([math.exp(-(fit.aic - best_aic) / 2) for fit in fits])
    weights /= weights.sum()
    kept = [(float(weight), fit) for weight, fit in zip(weights, fits, strict=True) if weight >= MIN_WEIGHT]
    total_weight = sum(weight for weight, _fit in kept)
    profiles = [
        (weight / total_weight, ProfileLikelihood(patterns, counts, fit, histories.documented))
        for weight, fit in kept
    ]
    documented = histories.documented
    point = _mata_quantile(profiles, documented, 0.5)
    if point is None:  # the plausible models put the total beyond a thousand times the documented
        raise loglinear.unbounded_refusal()
    lower = _mata_quantile(profiles, documented, TAIL)
    assert lower is not None  # below the median, which is within the limit
    upper = _mata_quantile(profiles, documented, 1 - TAIL)
    best_weight, best = max(kept, key=lambda pair: pair[0])
    return AveragedResult(
        lists=histories.lists,
        documented=documented,
        estimate=point,
        lower=lower,
        upper=upper,
        models_compared=len(fits),
        models_averaged=len(kept),
        best_model=loglinear.model_name(histories.lists, best.terms),
        best_weight=best_weight / total_weight,
        search=search,
    )


def _mata_quantile(
    profiles: list[tuple[float, ProfileLikelihood]], documented: int, area: float
) -> float | None:
    """The total N at which the weighted average of the models' lower-tail areas reaches ``area``
    (Fletcher and Turek's MATA-PL limit for ``area`` 2.5% or 97.5%, its median for 50%); None when
    it lies beyond ``UNBOUNDED_FACTOR`` times the documented count.

    A model's lower-tail area at z is Φ(-r(z)) for its signed likelihood root r, positive below the
    model's peak: it rises from 0 to 1 as z passes the peak, and so does the average.
    """

    def gap(z: float) -> float:
        return (
            sum(weight * float(stats.norm.sf(profile.signed_root(z))) for weight, profile in profiles) - area
        )

    low = 1e-6
    if gap(low) >= 0:
        return documented + low
    # Never searched beyond the limit: a model whose own peak lies past it would otherwise carry the
    # search there and report a total of millions as if it were a number to act on.
    limit = loglinear.UNBOUNDED_FACTOR * documented
    high = min(max(profile.z_peak for _weight, profile in profiles) * 2 + 10, limit)
    while gap(high) < 0:
        if high >= limit:
            return None
        high = min(high * 2, limit)
    return documented + _root(gap, low, high)


def _root(function: Callable[[float], float], low: float, high: float) -> float:
    return float(optimize.brentq(function, low, high, xtol=1e-3, rtol=1e-8))
