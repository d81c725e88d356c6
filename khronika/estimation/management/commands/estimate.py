"""``khronika estimate HISTORIES.csv [--method averaged|loglinear|lcmcr|all] [--json]``.

Reads a capture-history table (one 0/1 column per list, named as the user likes, and ``count``) and
prints, per method, the estimated total, its 95% interval, the model and diagnostics. It touches no
database and no encrypted data, so it runs with no server and without unsealing: an analyst can run it
on an aggregate table on a machine that holds nothing else.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khronika.estimation import histories, report
from khronika.estimation.histories import EstimationRefused


class Command(BaseCommand):
    help = "Estimate the total number of cases, documented and not, from a capture-history table."
    requires_system_checks: list[str] = []  # no database, no keys: only a file in, numbers out

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("histories", help="CSV: one 0/1 column per list and a 'count' column")
        parser.add_argument("--method", choices=("averaged", "loglinear", "lcmcr", "all"), default="all")
        parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
        parser.add_argument(
            "--criterion", choices=("bic", "aic"), default="bic", help="log-linear model choice"
        )
        parser.add_argument("--seed", type=int, help="LCMCR random seed (printed when not given)")
        parser.add_argument("--iterations", type=int, default=10_000, help="LCMCR sweeps per chain")
        parser.add_argument("--chains", type=int, default=4, help="LCMCR chains")

    def handle(self, *args: Any, **options: Any) -> None:
        methods = report.METHODS if options["method"] == "all" else (options["method"],)
        seed = options["seed"] if options["seed"] is not None else secrets.randbelow(2**31)
        if options["iterations"] < 100 or options["chains"] < 1:
            raise CommandError("Use at least 100 iterations and one chain.")
        try:
            table = histories.read_csv(options["histories"])
            outcome = report.estimate_all(
                table,
                methods,
                criterion=options["criterion"],
                seed=seed,
                iterations=options["iterations"],
                chains=options["chains"],
            )
        except FileNotFoundError:
            raise CommandError(f"There is no file {options['histories']!r}.") from None
        except EstimationRefused as refusal:
            if options["json"]:
                self.stdout.write(json.dumps({"error": refusal.code, "message": str(refusal), "results": []}))
            raise CommandError(str(refusal), returncode=2) from None
        if options["json"]:
            self.stdout.write(json.dumps(outcome, ensure_ascii=False))
            return
        for line in describe(outcome):
            self.stdout.write(line)


def describe(outcome: dict[str, Any]) -> list[str]:
    """The outcome in lines an operator reads: one block per method, then a one-line summary."""
    lines = [
        f"Documented: {outcome['documented']:,} cases on {len(outcome['lists'])} lists "
        f"({', '.join(outcome['lists'])}); {outcome['on_several_lists']:,} on more than one.",
        "",
    ]
    for result in outcome["results"]:
        upper = "no upper limit" if result["upper"] is None else f"{result['upper']:,.0f}"
        lines.append(
            f"{result['method']}: estimate {result['estimate']:,.0f}, "
            f"95% interval {result['lower']:,.0f} to {upper} ({result['interval']})"
        )
        lines.append(f"  model: {result['model']}")
        diagnostics = ", ".join(f"{key} {value}" for key, value in result["diagnostics"].items())
        lines.append(f"  diagnostics: {diagnostics}")
        if result["method"] == "lcmcr" and not result["diagnostics"]["converged"]:
            lines.append(
                "  warning: the chains have not converged (R-hat ≥ 1.01 or fewer than 400 effective "
                "draws); run again with more --iterations before relying on the interval."
            )
        lines.append("")
    for refusal in outcome["refused"]:
        lines.append(f"{refusal['method']}: not estimated. {refusal['message']}")
    summary = "; ".join(
        f"{result['method']} {result['estimate']:,.0f} ({result['lower']:,.0f}–"
        f"{'∞' if result['upper'] is None else format(result['upper'], ',.0f')})"
        for result in outcome["results"]
    )
    lines.append(f"Estimated total: {summary}.")
    return lines
