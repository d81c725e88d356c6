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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import statsmodels.api as sm
from django.utils.translation import gettext_lazy as _
from scipy import optimize, special, stats
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from khronika.estimation.histories import CaptureHistories, EstimationRefused, check

Term = tuple[int, ...]
"""The lists (by position) an interaction joins: two for the models searched here; three as well for
the models ``averaging`` compares."""
CRITERIA = ("bic", "aic")
MAX_LISTS = 6
"""Beyond six lists the two-way models alone number 2**21 and the stepwise path is unreliable."""
EXHAUSTIVE_UP_TO = 4
_CHI2_95 = float(stats.chi2.ppf(0.95, 1))
UNBOUNDED_FACTOR = 1000.0
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
        """The model in the usual notation (``model_name``)."""
        return model_name(self.lists, self.terms)


def model_name(lists: Sequence[str], terms: Sequence[Term]) -> str:
    """A model in the usual notation: its interactions, as ``A*B + B*C*D``, or "independence"."""
    named = ["*".join(lists[index] for index in term) for term in sorted(terms, key=lambda t: (len(t), t))]
    return " + ".join(named) if named else "independence"


def refuse_too_many_lists(width: int) -> None:
    """Refuse a table of more lists than any search here can cover."""
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
    refuse_too_many_lists(width)
    patterns, counts = histories.full_table()
    fitter = Fitter(patterns, counts)
    if width <= EXHAUSTIVE_UP_TO:
        fits = [fitter.fit(terms) for terms in hierarchical_models(width, 2)]
        compared = [fit for fit in fits if fit is not None]
        search = "all"
    else:
        compared = stepwise(fitter, width, criterion)
        search = "stepwise"
    if not compared:
        raise EstimationRefused(
            "no_model", _("No log-linear model could be fitted to this table. Check the linkage.")
        )
    best = min(compared, key=lambda fit: (getattr(fit, criterion), len(fit.terms)))
    if math.exp(best.params[0]) > UNBOUNDED_FACTOR * histories.documented:
        raise unbounded_refusal()  # a total of that size is no estimate (``fit`` still reports it)
    return _result(histories, patterns, counts, best, criterion, search, len(compared))


def fit(
    histories: CaptureHistories, terms: Iterable[tuple[str, str]], criterion: str = "bic"
) -> LoglinearResult:
    """Fit the one model with main effects and the two-list ``terms`` (pairs of list names) given.

    For a model chosen before looking at this table: the model a publication names, to reproduce its
    figure (the classic tables in docs/estimation.md), or one the analyst can justify from how the
    lists were made (a known referral route). No search, so ``models_compared`` is 1; ``criterion``
    only says which value to report. The table is checked as for ``estimate``; a term naming an unknown
    list is a ValueError, and a model with a term for two lists that share no case is refused (it has
    no finite estimate).
    """
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {CRITERIA}")
    check(histories)
    index = {name: position for position, name in enumerate(histories.lists)}
    wanted: set[Term] = set()
    for first, second in terms:
        if first not in index or second not in index or first == second:
            raise ValueError(f"a term needs two different lists of this table: {first!r}, {second!r}")
        a, b = sorted((index[first], index[second]))
        wanted.add((a, b))
    patterns, counts = histories.full_table()
    chosen = Fitter(patterns, counts).fit(tuple(sorted(wanted)))
    if chosen is None:
        raise EstimationRefused(
            "no_model",
            _("This log-linear model cannot be fitted to this table: two of its lists share no case."),
        )
    return _result(histories, patterns, counts, chosen, criterion, "given", 1)


def _result(
    histories: CaptureHistories,
    patterns: npt.NDArray[np.int8],
    counts: npt.NDArray[np.float64],
    best: _Fit,
    criterion: str,
    search: str,
    compared: int,
) -> LoglinearResult:
    lower, upper = _profile_interval(patterns, counts, best, histories.documented)
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
        residual_df=len(counts) - (1 + len(histories.lists) + len(best.terms)),
        search=search,
        models_compared=compared,
    )


def unbounded_refusal() -> EstimationRefused:
    """The refusal for a table whose chosen (or averaged) models put the total beyond
    ``UNBOUNDED_FACTOR`` times the documented count: a number of that size is no estimate."""
    return EstimationRefused(
        "no_upper_limit",
        _(
            "The log-linear models that fit this table put the total beyond any sensible number: "
            "the lists overlap too little to estimate from."
        ),
    )


def hierarchical_models(width: int, max_order: int) -> Iterator[tuple[Term, ...]]:
    """Every hierarchical set of interactions among ``width`` lists, of at most ``max_order`` lists
    each and fewer than ``width``: a three-list term comes with its three two-list terms. With
    ``max_order`` 2, every set of two-list terms: the models the exhaustive search compares."""
    order = min(max_order, width - 1)
    pairs = list(itertools.combinations(range(width), 2))
    triples = list(itertools.combinations(range(width), 3)) if order >= 3 else []
    seen: set[tuple[Term, ...]] = set()
    for size in range(len(triples) + 1):
        for chosen in itertools.combinations(triples, size):
            required = {pair for triple in chosen for pair in itertools.combinations(triple, 2)}
            optional = [pair for pair in pairs if pair not in required]
            for count in range(len(optional) + 1):
                for extra in itertools.combinations(optional, count):
                    model = tuple(sorted([*required, *extra, *chosen]))
                    if model not in seen:
                        seen.add(model)
                        yield model


def _design(patterns: npt.NDArray[np.int8], terms: Sequence[Term]) -> npt.NDArray[np.float64]:
    columns = [np.ones(len(patterns)), *patterns.T.astype(float)]
    columns += [patterns[:, list(term)].all(axis=1).astype(float) for term in terms]
    return np.column_stack(columns)


class Fitter:
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
        for term in terms:
            if self.counts[self.patterns[:, list(term)].all(axis=1)].sum() == 0:
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


def stepwise(fitter: Fitter, width: int, criterion: str) -> list[_Fit]:
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


class ProfileLikelihood:
    """The log-likelihood of the unrecorded count z = N - documented under one fitted model.

    It is the Poisson log-likelihood of the full table with the missing cell set to z, maximized over
    the model's other parameters, plus log N! - N log N + N (which turns the Poisson into the
    multinomial likelihood of the documented cells given N). ``z_peak`` is where it is highest;
    ``signed_root`` is the signed square root of twice the drop from there, which Cormack's interval
    (``interval``) and the model-averaged interval (``averaging``) both read.
    """

    def __init__(
        self, patterns: npt.NDArray[np.int8], counts: npt.NDArray[np.float64], fit: _Fit, documented: int
    ) -> None:
        self.counts = counts
        self.documented = documented
        self.design = _design(np.vstack([np.zeros((1, patterns.shape[1]), np.int8), patterns]), fit.terms)
        self.start = fit.params
        z_hat = max(math.exp(fit.params[0]), 1e-6)
        peak = optimize.minimize_scalar(
            lambda log_z: -self(math.exp(log_z)),
            bounds=(math.log(z_hat) - 3, math.log(z_hat) + 3),
            method="bounded",
            options={"xatol": 1e-6},
        )
        self.z_peak = math.exp(float(peak.x))
        self.peak = -float(peak.fun)

    def __call__(self, z: float) -> float:
        table = np.concatenate([[z], self.counts])
        # statsmodels takes over where Newton's method gives up: a table whose fit runs to the edge
        # of the parameter space (a cell fitted as empty) is rare, and there it is the safer fitter.
        result = _newton(table, self.design, self.start) or _glm(table, self.design, self.start)
        if result is None:
            return -math.inf
        _params, mu = result
        total = self.documented + z
        poisson = np.sum(special.xlogy(table, mu) - mu - special.gammaln(table + 1))
        value = float(poisson + special.gammaln(total + 1) - total * math.log(total) + total)
        return value if math.isfinite(value) else -math.inf

    def signed_root(self, z: float) -> float:
        """Positive below the peak, negative above; its square is the likelihood-ratio statistic."""
        drop = max(self.peak - self(z), 0.0)
        return math.copysign(math.sqrt(2 * drop), self.z_peak - z)

    def interval(self) -> tuple[float, float | None]:
        """Cormack's 95% interval for the total N; no upper limit when the likelihood never falls far
        enough below ``UNBOUNDED_FACTOR`` times the documented count."""
        cutoff = self.peak - _CHI2_95 / 2

        def above(z: float) -> float:
            return self(z) - cutoff

        low_end = 1e-6
        documented = self.documented
        lower = documented + (low_end if above(low_end) >= 0 else _root(above, low_end, self.z_peak))
        high = self.z_peak * 2 + 10
        while above(high) > 0:
            if high > UNBOUNDED_FACTOR * documented:
                return lower, None
            high *= 2
        return lower, documented + _root(above, self.z_peak, high)


def _profile_interval(
    patterns: npt.NDArray[np.int8], counts: npt.NDArray[np.float64], best: _Fit, documented: int
) -> tuple[float, float | None]:
    """Cormack's (1992) profile-likelihood interval for the total N under the chosen model."""
    return ProfileLikelihood(patterns, counts, best, documented).interval()


def _newton(
    counts: npt.NDArray[np.float64], design: npt.NDArray[np.float64], start: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None:
    """The Poisson log-linear fit by Newton's method from ``start``, or None if it does not converge.

    Written here rather than calling statsmodels (as the model search does, ``_glm``): a profile is
    hundreds of fits of one small table (at most 64 cells) from a nearby start, where statsmodels'
    set-up per call costs twenty times the arithmetic; the model-averaged interval needs thousands.
    Steps are halved while they lower the likelihood, so a poor start cannot diverge.
    """
    params = np.array(start, dtype=float)
    eta = design @ params
    if not np.all(np.isfinite(eta)) or eta.max() > 700:
        return None
    mu = np.exp(eta)
    current = float(np.sum(counts * eta - mu))
    for _iteration in range(100):
        gradient = design.T @ (counts - mu)
        hessian = design.T @ (design * mu[:, None])
        try:
            step = np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            # A parameter heading to minus infinity (a list whose cases all sit in cells the model
            # fits as empty) makes the Hessian singular: the least-squares step still climbs.
            step = np.linalg.lstsq(hessian, gradient, rcond=None)[0]
        # Half the Newton decrement is what the full step would still gain: converged when that is
        # nothing in the log-likelihood's last digits.
        if float(gradient @ step) < 1e-10:
            return params, mu
        for _halving in range(30):
            trial = params + step
            eta = design @ trial
            if np.all(np.isfinite(eta)) and eta.max() < 700:
                value = float(np.sum(counts * eta - np.exp(eta)))
                if value >= current:
                    break
            step = step / 2
        else:
            return None
        params, current, mu = trial, value, np.exp(eta)
    return None


def _root(function: Callable[[float], float], low: float, high: float) -> float:
    return float(optimize.brentq(function, low, high, xtol=1e-6, rtol=1e-10))
