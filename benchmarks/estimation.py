"""Multiple systems estimation: figures on Kosovo and on five lists, LCMCR speed, the simulation study.

Usage (from the repository root)::

    .venv/bin/python -m benchmarks.estimation [--quick]

- **Kosovo 1999** (khronika/estimation/data): the model-averaged log-linear estimate with its MATA-PL
  interval (the recommended method, ``khronika.estimation.averaging``); the BIC log-linear estimate
  must be 14,342 and the LCMCR posterior median must fall within the published 9,002-12,122; all
  with their intervals and times.
- **Five lists**: one table drawn with a fixed seed from a known population of 5,000 (two classes of
  visibility, one referral between lists), to time the stepwise log-linear search, its average and
  LCMCR there.
- **LCMCR speed**: one chain of 10,000 sweeps on Kosovo in at most 10 s.
- **Simulation study** (``khronika.estimation.simulation``, scenarios fixed before tuning): coverage of
  the 95% interval and relative bias of every estimator in every scenario; the recommended one must
  cover at least 0.90 everywhere. ``--quick`` uses 40 tables per scenario, the full run 200.
- **Report generation** over 100,000 incidents (10,000 with ``--quick``) in at most 30 s: the
  publishing benchmark, ``benchmarks.report_generation.run_report_benchmark``, in a child process.
  ``--no-report`` skips it (then ``targets_met`` is false: a target not measured is not met).

Nothing here touches a database, so it runs in this process. The last line printed is one JSON
object with every figure and ``targets_met``; the exit status is 0 only when every target holds.
"""

from __future__ import annotations

import os

# One BLAS thread: the matrices are tiny and the machine is shared; threads only add overhead.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khronika.settings")

import argparse  # noqa: E402  # the thread limits must be set before numpy loads
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from benchmarks.report_generation import run_report_benchmark  # noqa: E402
from khronika.estimation import averaging, histories, lcmcr, loglinear, simulation  # noqa: E402

KOSOVO = Path(__file__).resolve().parent.parent / "khronika" / "estimation" / "data" / "kosovo_4lists.csv"
KOSOVO_LOGLINEAR = 14_342
KOSOVO_PUBLISHED = (9_002, 12_122)
TARGET_LCMCR_SECONDS = 10.0
TARGET_COVERAGE = 0.90
FIVE_LISTS = simulation.Scenario(
    name="five lists",
    description="5,000 people, 5 lists; 40% easily documented; list 2 takes referrals from list 1",
    size=5000,
    shares=(0.4, 0.6),
    probabilities=((0.35, 0.30, 0.25, 0.30, 0.20), (0.15, 0.10, 0.12, 0.10, 0.08)),
    dependence=(0, 1, 0.45, 0.12),
)


def timed(label: str, work: Any) -> tuple[Any, float]:
    """Run ``work`` and print its wall time, and this process's CPU time beside it.

    Targets are on wall time; the CPU time shows how much of it a shared machine's other load took.
    """
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.2f} s (CPU {time.process_time() - cpu:.2f} s)", flush=True)
    return result, round(seconds, 3)


def every_method(name: str, table: histories.CaptureHistories, seed: int) -> dict[str, Any]:
    averaged, averaged_seconds = timed(
        f"{name} log-linear averaged (MATA-PL)", lambda: averaging.estimate(table)
    )
    averaged_upper = None if averaged.upper is None else round(averaged.upper, 1)
    print(
        f"  estimate {averaged.estimate:,.1f}, 95% {averaged.lower:,.1f} to {averaged_upper}, "
        f"{averaged.models_averaged} of {averaged.models_compared} models",
        flush=True,
    )
    fit, loglinear_seconds = timed(f"{name} log-linear", lambda: loglinear.estimate(table, "bic"))
    upper = None if fit.upper is None else round(fit.upper, 1)
    print(f"  estimate {fit.estimate:,.1f}, 95% {fit.lower:,.1f} to {upper}, model {fit.model}", flush=True)
    sampled, lcmcr_seconds = timed(
        f"{name} LCMCR (4 chains x 10,000)", lambda: lcmcr.estimate(table, seed=seed)
    )
    print(
        f"  median {sampled.estimate:,.0f}, 95% {sampled.lower:,.0f} to {sampled.upper:,.0f}, "
        f"R-hat {sampled.rhat:.3f}, ESS {sampled.ess:.0f}",
        flush=True,
    )
    return {
        f"{name}_averaged_estimate": round(averaged.estimate, 1),
        f"{name}_averaged_lower": round(averaged.lower, 1),
        f"{name}_averaged_upper": averaged_upper,
        f"{name}_averaged_models": averaged.models_averaged,
        f"{name}_averaged_seconds": averaged_seconds,
        f"{name}_loglinear_estimate": round(fit.estimate, 1),
        f"{name}_loglinear_lower": round(fit.lower, 1),
        f"{name}_loglinear_upper": upper,
        f"{name}_loglinear_model": fit.model,
        f"{name}_loglinear_seconds": loglinear_seconds,
        f"{name}_lcmcr_median": round(sampled.estimate, 1),
        f"{name}_lcmcr_lower": round(sampled.lower, 1),
        f"{name}_lcmcr_upper": round(sampled.upper, 1),
        f"{name}_lcmcr_rhat": round(sampled.rhat, 4),
        f"{name}_lcmcr_ess": round(sampled.ess, 1),
        f"{name}_lcmcr_seconds": lcmcr_seconds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="40 simulated tables per scenario instead of 200"
    )
    parser.add_argument("--no-report", action="store_true", help="skip the report-generation benchmark")
    args = parser.parse_args(argv)
    import django

    django.setup()

    figures: dict[str, Any] = {"quick": args.quick}
    kosovo = histories.read_csv(KOSOVO)
    figures.update(every_method("kosovo", kosovo, seed=1999))
    five = simulation.draw(FIVE_LISTS, np.random.default_rng(5))
    figures["five_lists_truth"] = FIVE_LISTS.size
    figures["five_lists_documented"] = five.documented
    figures.update(every_method("five_lists", five, seed=5))

    _one_chain, seconds = timed(
        "LCMCR, one chain of 10,000 sweeps on Kosovo",
        lambda: lcmcr.estimate(kosovo, seed=7, iterations=10_000, chains=1),
    )
    figures["lcmcr_10000_iterations_seconds"] = seconds

    replicates = 40 if args.quick else 200
    summaries, seconds = timed(
        f"simulation study, {replicates} tables per scenario", lambda: simulation.run(replicates)
    )
    figures["simulation_replicates"] = replicates
    figures["simulation_seconds"] = seconds
    for summary in summaries:
        key = f"sim_{summary.scenario}_{summary.estimator}"
        figures[f"{key}_coverage"] = round(summary.coverage, 3)
        figures[f"{key}_relative_bias"] = round(summary.relative_bias, 4)
        print(
            f"  {summary.scenario:>13} {summary.estimator:<18} coverage {summary.coverage:.3f}, "
            f"bias {summary.relative_bias:+.3f}, median width {summary.median_width:,.0f}, "
            f"refused {summary.refused}",
            flush=True,
        )
    recommended = [s for s in summaries if s.estimator == simulation.RECOMMENDED]
    figures["recommended_estimator"] = simulation.RECOMMENDED
    figures["recommended_min_coverage"] = round(min(s.coverage for s in recommended), 3)

    if args.no_report:
        figures["report_seconds"] = None
        report_met = False
    else:
        report, _seconds = timed(
            "report generation (publishing benchmark)", lambda: run_report_benchmark(args.quick)
        )
        figures["report_seconds"] = report.get("report_seconds")
        figures["report_generation"] = report
        report_met = bool(report.get("targets_met"))

    checks = {
        "kosovo_loglinear_is_14342": round(figures["kosovo_loglinear_estimate"]) == KOSOVO_LOGLINEAR,
        "kosovo_lcmcr_in_published_interval": KOSOVO_PUBLISHED[0]
        <= figures["kosovo_lcmcr_median"]
        <= KOSOVO_PUBLISHED[1],
        "lcmcr_10000_iterations_within_10s": figures["lcmcr_10000_iterations_seconds"]
        <= TARGET_LCMCR_SECONDS,
        "recommended_coverage_at_least_090": figures["recommended_min_coverage"] >= TARGET_COVERAGE,
        "report_within_30s": report_met,
    }
    figures.update(checks)
    figures["targets_met"] = all(checks.values())
    print(json.dumps(figures), flush=True)
    return 0 if figures["targets_met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
