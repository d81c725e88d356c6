"""Estimates as one plain structure, shared by ``khronika estimate --json`` and by publication.

Every method returns the same four figures (``method``, ``estimate``, ``lower``, ``upper``) plus what
a reader needs to judge them: the model chosen and the diagnostics. The spread between methods on one
table is itself a finding, so all are reported side by side rather than one picked silently.
"""

from __future__ import annotations

from typing import Any

from khronika.estimation import averaging, lcmcr, loglinear
from khronika.estimation.histories import CaptureHistories, EstimationRefused, check

METHODS = ("averaged", "loglinear", "lcmcr")
"""``averaged`` first: the method docs/estimation.md recommends (it covered the truth in every scenario
of the simulation study); the other two beside it, since where they disagree that is a finding."""


def estimate_all(
    histories: CaptureHistories,
    methods: tuple[str, ...] = METHODS,
    *,
    criterion: str = "bic",
    seed: int | None = None,
    iterations: int = 10_000,
    chains: int = 4,
) -> dict[str, Any]:
    """Run ``methods`` on one table: ``results`` for those that estimated, ``refused`` for the others.

    A table refused by every method raises the first ``EstimationRefused``: there is nothing to show.
    """
    check(histories)
    results: list[dict[str, Any]] = []
    refused: list[dict[str, str]] = []
    first_refusal: EstimationRefused | None = None
    for method in methods:
        try:
            if method == "averaged":
                results.append(_averaged(averaging.estimate(histories)))
            elif method == "loglinear":
                results.append(_loglinear(loglinear.estimate(histories, criterion)))
            elif method == "lcmcr":
                fit = lcmcr.estimate(histories, seed=seed, iterations=iterations, chains=chains)
                results.append(_lcmcr(fit))
            else:
                raise ValueError(f"unknown method {method!r}")
        except EstimationRefused as refusal:
            first_refusal = first_refusal or refusal
            refused.append({"method": method, "code": refusal.code, "message": str(refusal)})
    if not results and first_refusal is not None:
        raise first_refusal
    return {
        "lists": list(histories.lists),
        "documented": histories.documented,
        "on_several_lists": histories.on_several_lists,
        "results": results,
        "refused": refused,
    }


def _figures(
    method: str,
    estimate: float,
    lower: float,
    upper: float | None,
    interval: str,
    model: str,
    diagnostics: dict[str, Any],
) -> dict[str, Any]:
    """One method's result as every report shows it: the same keys, one decimal."""
    return {
        "method": method,
        "estimate": round(estimate, 1),
        "lower": round(lower, 1),
        "upper": None if upper is None else round(upper, 1),
        "interval": interval,
        "model": model,
        "diagnostics": diagnostics,
    }


def _loglinear(fit: loglinear.LoglinearResult) -> dict[str, Any]:
    diagnostics = {
        "criterion": fit.criterion,
        "criterion_value": round(fit.criterion_value, 3),
        "deviance": round(fit.deviance, 3),
        "residual_df": fit.residual_df,
        "search": fit.search,
        "models_compared": fit.models_compared,
    }
    return _figures(
        "loglinear", fit.estimate, fit.lower, fit.upper, "profile likelihood, 95%", fit.model, diagnostics
    )


def _averaged(fit: averaging.AveragedResult) -> dict[str, Any]:
    diagnostics = {
        "models_compared": fit.models_compared,
        "models_averaged": fit.models_averaged,
        "best_model": fit.best_model,
        "best_weight": round(fit.best_weight, 3),
        "search": fit.search,
    }
    model = f"{fit.models_averaged} log-linear models averaged by AIC weight; heaviest: {fit.best_model}"
    interval = "model-averaged profile likelihood (MATA-PL), 95%"
    return _figures("averaged", fit.estimate, fit.lower, fit.upper, interval, model, diagnostics)


def _lcmcr(fit: lcmcr.LcmcrResult) -> dict[str, Any]:
    diagnostics = {
        "posterior_mean": round(fit.mean, 1),
        "rhat": round(fit.rhat, 4),
        "ess": round(fit.ess, 1),
        "converged": fit.converged,
        "chains": fit.chains,
        "iterations": fit.iterations,
        "burn_in": fit.burn_in,
        "seed": fit.seed,
    }
    model = f"latent classes (at most {fit.classes}), Manrique-Vallier 2016"
    interval = "posterior quantiles 2.5% and 97.5%"
    return _figures("lcmcr", fit.estimate, fit.lower, fit.upper, interval, model, diagnostics)
