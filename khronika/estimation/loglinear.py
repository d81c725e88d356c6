"""Log-linear models of the capture-history table (Fienberg 1972; Bishop, Fienberg and Holland 1975).

Each model is a Poisson regression of the 2**J - 1 observed cell counts on main effects for the lists
and a chosen set of two-list interactions (the dependence between two sources: referrals, shared
informants). The model extrapolates to the unobserved all-zero cell: its fitted count is exp(intercept).

Which interactions? With three lists every hierarchical model is fitted (the three-way term is not
identifiable: it would use the last degree of freedom). With four lists all 2**6 sets of two-way terms
are fitted, which reproduces the published Kosovo figure. With five or six lists the 2**10 or 2**15
sets are too many to fit and mostly absurd, so a stepwise search (add or drop one term at a time)
starts from independence. AIC or BIC chooses; BIC is the default because it prefers fewer terms, and
each extra term widens what the model may read into the missing cell. BIC's sample size is the number
of cells, as in statsmodels (``bic_llf``) and the published Kosovo reproduction. With the number of
documented cases instead (Raftery 1986) BIC picks still fewer terms, which in the simulation study made
heterogeneity far worse (docs/estimation.md); with three lists (7 cells) BIC is about as lax as AIC.

The interval is the profile-likelihood interval of Cormack (1992): the total N for which twice the
drop in the multinomial log-likelihood, maximized over the model's other parameters, stays under the
chi-square(1) 95% point. It is asymmetric like the uncertainty it describes; a Wald interval is not.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import statsmodels.api as sm
from django.utils.translation import gettext_lazy as _
from scipy import optimize, special, stats
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from khronika.estimation.histories import CaptureHistories, EstimationRefused, check

Term = tuple[int, int]
CRITERIA = ("bic", "aic")
MAX_LISTS = 6
"""Beyond six lists the two-way models alone number 2**21 and the stepwise path is unreliable."""
EXHAUSTIVE_UP_TO = 4
_CHI2_95 = float(stats.chi2.ppf(0.95, 1))
_UNBOUNDED_FACTOR = 1000.0
"""An upper limit beyond a thousand times the documented count is reported as no upper limit."""


@dataclass(frozen=True)
class LoglinearResult:
    """The chosen model, its estimate of the total and the 95% profile-likelihood interval.

    ``upper`` is None when the likelihood does not fall far enough however large N is: the data do
    not rule out any number of unrecorded cases under this model, which must be said, not hidden.
    """

    lists: tuple[str, ...]
    documented: int
    estimate: float
    lower: float
    upper: float | None
    terms: tuple[Term, ...]
    criterion: str
    criterion_value: float
    deviance: float
    residual_df: int
    search: str
    models_compared: int

    @property
    def model(self) -> str:
        """The model in the usual notation: main effects, then two-list interactions."""
        named = [f"{self.lists[a]}*{self.lists[b]}" for a, b in self.terms]
        return " + ".join(named) if named else "independence"


@dataclass(frozen=True)
class _Fit:
    terms: tuple[Term, ...]
    params: npt.NDArray[np.float64]
    llf: float
    deviance: float
    aic: float
    bic: float


def estimate(histories: CaptureHistories, criterion: str = "bic") -> LoglinearResult:
    """Choose a log-linear model by ``criterion`` ('bic' or 'aic') and estimate the total from it."""
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {CRITERIA}")
    check(histories)
    width = len(histories.lists)
    if width > MAX_LISTS:
        raise EstimationRefused(
            "too_many_lists",
            _(
                "Log-linear models are searched for up to %(maximum)s lists; this table has %(found)s. "
                "Merge similar sources or use the latent-class model."
            ),
            maximum=MAX_LISTS,
            found=width,
        )
    patterns, counts = histories.full_table()
    fitter = _Fitter(patterns, counts)
    if width <= EXHAUSTIVE_UP_TO:
        fits = [fitter.fit(terms) for terms in _all_two_way(width)]
        compared = [fit for fit in fits if fit is not None]
        search = "all"
    else:
        compared = _stepwise(fitter, width, criterion)
        search = "stepwise"
    if not compared:
        raise EstimationRefused(
            "no_model", _("No log-linear model could be fitted to this table. Check the linkage.")
        )
    best = min(compared, key=lambda fit: (getattr(fit, criterion), len(fit.terms)))
    lower, upper = _profile_interval(patterns, counts, best, histories.documented)
    cells = len(counts)
    return LoglinearResult(
        lists=histories.lists,
        documented=histories.documented,
        estimate=histories.documented + math.exp(best.params[0]),
        lower=lower,
        upper=upper,
        terms=best.terms,
        criterion=criterion,
        criterion_value=float(getattr(best, criterion)),
        deviance=best.deviance,
        residual_df=cells - (1 + width + len(best.terms)),
        search=search,
        models_compared=len(compared),
    )


def _all_two_way(width: int) -> Iterable[tuple[Term, ...]]:
    pairs = list(itertools.combinations(range(width), 2))
    for size in range(len(pairs) + 1):
        yield from itertools.combinations(pairs, size)


def _design(patterns: npt.NDArray[np.int8], terms: Sequence[Term]) -> npt.NDArray[np.float64]:
    columns = [np.ones(len(patterns)), *patterns.T.astype(float)]
    columns += [patterns[:, a].astype(float) * patterns[:, b] for a, b in terms]
    return np.column_stack(columns)


class _Fitter:
    """Fits models to one table, remembering each so the stepwise search never refits one."""

    def __init__(self, patterns: npt.NDArray[np.int8], counts: npt.NDArray[np.float64]) -> None:
        self.patterns = patterns
        self.counts = counts
        self.cache: dict[tuple[Term, ...], _Fit | None] = {}

    def fit(self, terms: tuple[Term, ...]) -> _Fit | None:
        """The fitted model, or None when its estimate does not exist.

        A term for two lists that share no case has its maximum at minus infinity: the fit would
        "converge" to an arbitrary number, so such models are not compared at all.
        """
        terms = tuple(sorted(terms))
        if terms not in self.cache:
            self.cache[terms] = self._fit(terms)
        return self.cache[terms]

    def _fit(self, terms: tuple[Term, ...]) -> _Fit | None:
        for a, b in terms:
            if self.counts[(self.patterns[:, a] == 1) & (self.patterns[:, b] == 1)].sum() == 0:
                return None
        design = _design(self.patterns, terms)
        result = _glm(self.counts, design)
        if result is None:
            return None
        params, mu = result
        llf = float(np.sum(special.xlogy(self.counts, mu) - mu - special.gammaln(self.counts + 1)))
        saturated = float(np.sum(special.xlogy(self.counts, self.counts) - self.counts))
        saturated -= float(np.sum(special.gammaln(self.counts + 1)))
        k = design.shape[1]
        return _Fit(
            terms=terms,
            params=params,
            llf=llf,
            deviance=2 * (saturated - llf),
            aic=-2 * llf + 2 * k,
            bic=-2 * llf + k * math.log(len(self.counts)),
        )


def _glm(
    counts: npt.NDArray[np.float64],
    design: npt.NDArray[np.float64],
    start: npt.NDArray[np.float64] | None = None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None:
    """Poisson GLM (log link) by statsmodels' IRLS; None when it does not converge to finite values."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            result = sm.GLM(counts, design, family=sm.families.Poisson()).fit(
                start_params=start, maxiter=100, tol=1e-10
            )
        except (ValueError, np.linalg.LinAlgError):
            return None
    params = np.asarray(result.params, dtype=float)
    mu = np.asarray(result.fittedvalues, dtype=float)
    if not result.converged or not np.all(np.isfinite(params)) or not np.all(np.isfinite(mu)):
        return None
    return params, mu


def _stepwise(fitter: _Fitter, width: int, criterion: str) -> list[_Fit]:
    """Add or drop one two-way term at a time while the criterion improves; every fit is compared."""
    pairs = list(itertools.combinations(range(width), 2))
    current = fitter.fit(())
    if current is None:
        return []
    while True:
        present = set(current.terms)
        neighbours = [tuple(sorted(present | {pair})) for pair in pairs if pair not in present]
        neighbours += [tuple(sorted(present - {pair})) for pair in present]
        candidates = [fit for fit in map(fitter.fit, neighbours) if fit is not None]
        better = [fit for fit in candidates if getattr(fit, criterion) < getattr(current, criterion)]
        if not better:
            break
        current = min(better, key=lambda fit: getattr(fit, criterion))
    return [fit for fit in fitter.cache.values() if fit is not None]


def _profile_interval(
    patterns: npt.NDArray[np.int8], counts: npt.NDArray[np.float64], best: _Fit, documented: int
) -> tuple[float, float | None]:
    """Cormack's profile-likelihood interval for the total N under the chosen model.

    The log-likelihood of N is the Poisson log-likelihood of the full table with the missing cell
    set to z = N - documented, maximized over the model, plus log N! - N log N + N (which turns the
    Poisson into the multinomial likelihood of the documented cells given N).
    """
    full_design = _design(np.vstack([np.zeros((1, patterns.shape[1]), np.int8), patterns]), best.terms)
    start = best.params

    def loglik(z: float) -> float:
        table = np.concatenate([[z], counts])
        result = _glm(table, full_design, start)
        if result is None:
            return -math.inf
        _params, mu = result
        total = documented + z
        poisson = np.sum(special.xlogy(table, mu) - mu - special.gammaln(table + 1))
        return float(poisson + special.gammaln(total + 1) - total * math.log(total) + total)

    z_hat = max(math.exp(best.params[0]), 1e-6)
    peak = optimize.minimize_scalar(
        lambda log_z: -loglik(math.exp(log_z)),
        bounds=(math.log(z_hat) - 3, math.log(z_hat) + 3),
        method="bounded",
        options={"xatol": 1e-6},
    )
    z_peak = math.exp(float(peak.x))
    cutoff = -float(peak.fun) - _CHI2_95 / 2

    def above(z: float) -> float:
        return loglik(z) - cutoff

    low_end = 1e-6
    lower = documented + (low_end if above(low_end) >= 0 else _root(above, low_end, z_peak))
    high = z_peak * 2 + 10
    limit = _UNBOUNDED_FACTOR * documented
    while above(high) > 0:
        if high > limit:
            return lower, None
        high *= 2
    return lower, documented + _root(above, z_peak, high)


def _root(function: Callable[[float], float], low: float, high: float) -> float:
    return float(optimize.brentq(function, low, high, xtol=1e-6, rtol=1e-10))
