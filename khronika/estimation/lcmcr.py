"""The Bayesian latent-class model of Manrique-Vallier (2016), "LCMCR".

People differ in how visible they are (a detainee in Chechnya reaches no organisation; an activist in
Moscow reaches several), and that heterogeneity biases estimators that assume everyone is alike. The
model lets the population be a mixture of latent classes, each with its own capture probability per
list and lists independent within a class; a truncated Dirichlet process (stick-breaking, at most
``classes`` classes, concentration alpha ~ Gamma(0.25, 0.25)) decides how many classes the data use.
Capture probabilities have Beta(1, 1) priors and the total N the prior p(N) ∝ 1/N.

The Gibbs sampler follows the paper's steps, but works on the table, not on individuals: the cases
with one history are split among classes with one multinomial draw, and all chains advance together in
the same arrays, so a sweep costs a few NumPy calls whatever the number of cases. Chains start from
dispersed states with independent, seedable random streams; the result reports the split R-hat of N
(Gelman et al. 2013) and its multi-chain effective sample size (as Stan computes it, Vehtari et al.
2021), so a user can see whether the chains agree before trusting the interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from khronika.estimation.histories import CaptureHistories, check

Floats = npt.NDArray[np.float64]

_TINY = 1e-300


@dataclass(frozen=True)
class LcmcrResult:
    """Posterior median and 95% credible interval of the total, with convergence diagnostics."""

    lists: tuple[str, ...]
    documented: int
    estimate: float
    lower: float
    upper: float
    mean: float
    rhat: float
    ess: float
    chains: int
    iterations: int
    burn_in: int
    classes: int
    seed: int | None
    draws: Floats
    """Post-burn-in draws of N, one row per chain."""

    @property
    def converged(self) -> bool:
        """The usual bar (Vehtari et al. 2021): split R-hat under 1.01 and 400 effective draws of N."""
        return self.rhat < 1.01 and self.ess >= 400


def estimate(
    histories: CaptureHistories,
    *,
    seed: int | None = None,
    iterations: int = 10_000,
    chains: int = 4,
    burn_in: int | None = None,
    classes: int = 10,
    alpha_shape: float = 0.25,
    alpha_rate: float = 0.25,
) -> LcmcrResult:
    """Run ``chains`` Gibbs chains of ``iterations`` sweeps each; the first ``burn_in`` are discarded.

    ``burn_in`` defaults to half the sweeps. The same ``seed`` gives the same draws, on any machine
    with the same NumPy.
    """
    check(histories)
    if chains < 1 or iterations < 4 or classes < 1:
        raise ValueError("need at least one chain, four iterations and one class")
    burn = iterations // 2 if burn_in is None else burn_in
    if not 0 <= burn < iterations - 1:
        raise ValueError("burn_in must leave at least two iterations")
    draws = _sample(
        histories, np.random.SeedSequence(seed), iterations, chains, classes, alpha_shape, alpha_rate
    )
    kept = draws[:, burn:]
    lower, median, upper = np.quantile(kept, [0.025, 0.5, 0.975])
    return LcmcrResult(
        lists=histories.lists,
        documented=histories.documented,
        estimate=float(median),
        lower=float(lower),
        upper=float(upper),
        mean=float(kept.mean()),
        rhat=split_rhat(kept),
        ess=effective_sample_size(kept),
        chains=chains,
        iterations=iterations,
        burn_in=burn,
        classes=classes,
        seed=seed,
        draws=kept,
    )


def _sample(
    histories: CaptureHistories,
    seeds: np.random.SeedSequence,
    iterations: int,
    chains: int,
    classes: int,
    alpha_shape: float,
    alpha_rate: float,
) -> Floats:
    """All chains at once: arrays carry a leading chain axis. Returns N per chain and sweep."""
    rng = np.random.default_rng(seeds)
    x = histories.patterns.astype(np.float64)  # (P, J)
    counts = np.broadcast_to(histories.counts, (chains, len(histories.counts)))
    documented = histories.documented
    shape = (chains, classes, x.shape[1])

    # Dispersed starts, so that R-hat can reveal chains stuck in different places.
    lam = rng.uniform(0.05, 0.6, size=shape)
    pi = np.full((chains, classes), 1.0 / classes)
    alpha = np.ones(chains)
    missing = np.floor(documented * rng.uniform(0.2, 3.0, size=chains)).astype(np.int64)
    out = np.empty((chains, iterations))

    log_lam, log_not = _logs(lam)
    for sweep in range(iterations):
        # Class membership of the documented cases, one multinomial draw per history.
        weights = x @ (log_lam - log_not).transpose(0, 2, 1)  # (C, P, K)
        weights += (log_not.sum(axis=2) + np.log(np.maximum(pi, _TINY)))[:, None, :]
        weights = np.exp(weights - weights.max(axis=2, keepdims=True))
        weights /= weights.sum(axis=2, keepdims=True)
        by_class = rng.multinomial(counts, weights)  # (C, P, K)
        # Class membership of the unrecorded cases (history all zeros).
        unseen = pi * np.exp(log_not.sum(axis=2))  # (C, K)
        hidden = rng.multinomial(missing, unseen / unseen.sum(axis=1, keepdims=True))  # (C, K)
        sizes = by_class.sum(axis=1) + hidden
        on_list = by_class.transpose(0, 2, 1) @ x  # (C, K, J)
        lam = rng.beta(1.0 + on_list, 1.0 + sizes[:, :, None] - on_list)
        log_lam, log_not = _logs(lam)
        # Stick-breaking weights and their concentration.
        later = np.cumsum(sizes[:, ::-1], axis=1)[:, ::-1] - sizes
        sticks = rng.beta(1.0 + sizes[:, :-1], alpha[:, None] + later[:, :-1])
        sticks = np.minimum(sticks, 1.0 - 1e-12)
        remaining = np.cumprod(np.concatenate([np.ones((chains, 1)), 1.0 - sticks], axis=1), axis=1)
        pi = remaining * np.concatenate([sticks, np.ones((chains, 1))], axis=1)
        alpha = rng.gamma(alpha_shape + classes - 1, 1.0 / (alpha_rate - np.log(remaining[:, -1])))
        # The unrecorded count: negative binomial under the prior p(N) ∝ 1/N.
        unseen_total = np.sum(pi * np.exp(log_not.sum(axis=2)), axis=1)
        missing = rng.negative_binomial(documented, np.clip(1.0 - unseen_total, 1e-12, 1.0))
        out[:, sweep] = documented + missing
    return out


def _logs(lam: Floats) -> tuple[Floats, Floats]:
    """log λ and log(1 - λ), kept finite where a draw lands on 0 or 1."""
    return np.log(np.maximum(lam, _TINY)), np.log(np.maximum(1.0 - lam, _TINY))


def split_rhat(draws: Floats) -> float:
    """Split R-hat (Gelman et al., Bayesian Data Analysis, 3rd ed.): near 1 when chains agree."""
    halves = _split(draws)
    n = halves.shape[1]
    within = halves.var(axis=1, ddof=1).mean()
    between = n * halves.mean(axis=1).var(ddof=1)
    if within == 0:
        return 1.0 if between == 0 else math.inf
    return float(math.sqrt(((n - 1) / n * within + between / n) / within))


def effective_sample_size(draws: Floats) -> float:
    """Multi-chain effective sample size with Geyer's initial monotone sequence, as in Stan."""
    halves = _split(draws)
    chains, n = halves.shape
    centred = halves - halves.mean(axis=1, keepdims=True)
    size = 1 << (2 * n - 1).bit_length()
    spectrum = np.fft.rfft(centred, n=size, axis=1)
    autocov = np.fft.irfft(spectrum * np.conj(spectrum), n=size, axis=1)[:, :n] / n
    chain_var = autocov[:, 0] * n / (n - 1)
    within = chain_var.mean()
    var_plus = within * (n - 1) / n + (halves.mean(axis=1).var(ddof=1) if chains > 1 else 0.0)
    if var_plus == 0:
        return float(chains * n)
    rho = 1.0 - (within - autocov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    total = 0.0
    previous = math.inf
    for t in range(0, n - 1, 2):
        pair = rho[t] + rho[t + 1]
        if pair < 0:
            break
        pair = min(pair, previous)
        previous = pair
        total += pair
    tau = max(-1.0 + 2.0 * total, 1.0 / math.log10(chains * n))
    return float(chains * n / tau)


def _split(draws: Floats) -> Floats:
    half = draws.shape[1] // 2
    return np.concatenate([draws[:, :half], draws[:, half : 2 * half]], axis=0)
