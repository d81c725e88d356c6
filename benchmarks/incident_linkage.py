"""Incident linkage on generated reports with raid waves: pairwise precision, recall, F1, wall time.

    .venv/bin/python -m benchmarks.incident_linkage            # 2,000 and 20,000 reports
    .venv/bin/python -m benchmarks.incident_linkage --quick    # 2,000 reports

Targets: pairwise F1 >= 0.9 at every size (issue 9), and 20,000 reports linked within 60 s.
The last line printed is one JSON object with every figure and ``targets_met``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from khronika.linkage.evaluate import score
from khronika.linkage.incident_generator import generate_incidents
from khronika.linkage.incident_model import link_incidents

MIN_F1 = 0.9
MAX_SECONDS_AT_20000 = 60.0


def measure(size: int, seed: int = 1) -> dict[str, Any]:
    """Scores and wall time of one run of ``link_incidents`` on ``size`` generated reports."""
    data = generate_incidents(size, seed=seed)
    started = time.monotonic()
    result = link_incidents(data.records)
    seconds = time.monotonic() - started
    scores = score({a.record_id: a.cluster_id for a in result.assignments}, data.incident_of)
    return {
        "reports": size,
        "incidents": len(set(data.incident_of.values())),
        "precision": round(scores.precision, 4),
        "recall": round(scores.recall, 4),
        "f1": round(scores.f1, 4),
        "bcubed_f1": round(scores.bcubed_f1, 4),
        "uncertain_pairs": len(result.uncertain_pairs),
        "seconds": round(seconds, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="2,000 reports only.")
    args = parser.parse_args()
    sizes = (2000,) if args.quick else (2000, 20000)
    runs = []
    for size in sizes:
        figures = measure(size)
        print(f"{size:,} reports: {figures}")
        runs.append(figures)
    met = all(run["f1"] >= MIN_F1 for run in runs) and all(
        run["seconds"] <= MAX_SECONDS_AT_20000 for run in runs if run["reports"] == 20000
    )
    print(json.dumps({"runs": runs, "targets_met": met}))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
