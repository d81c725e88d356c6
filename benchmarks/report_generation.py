"""How long a public release and its report take at 100,000 incidents.

Usage (from the repository root)::

    .venv/bin/python -m benchmarks.report_generation [--quick]

In a process of its own (Django reads its settings once per process), on a fresh SQLite instance: the
demo generator writes the incidents, about two thirds of the victims are given the publication consent
(with those the demo gave it), then the clock runs over what a coordinator's approval and a reader's
downloads cost: a counts release is requested and approved (eligibility query, contribution bound,
OpenDP noise over every cell), and the report is rendered as HTML and as PDF in Russian and English.
A partner dataset (generalization and pycanon's checks) is timed too, without a target. The last line
printed is one JSON object with every figure and ``targets_met``. Other benchmarks call
``run_report_benchmark(quick)``.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import timedelta
from typing import Any

from benchmarks.common import fresh_instance, run_child

FULL_SIZE = 100_000
QUICK_SIZE = 10_000
TARGET_REPORT_SECONDS = 30.0


def run_report_benchmark(quick: bool) -> dict[str, Any]:
    """Run the benchmark in a child process and return its figures (``report_seconds``, ``targets_met``)."""
    return run_child(
        "benchmarks.report_generation", ["--child", *(["--quick"] if quick else [])], "sqlite", "", "report"
    )


def _measure(size: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Max, Min
    from django.template.loader import render_to_string
    from django.utils import timezone

    from khronika.accounts.models import Compartment, User
    from khronika.publishing.eligibility import last_releasable_day
    from khronika.publishing.report import report_context, report_pdf
    from khronika.publishing.services import ReleaseRequest, approve_release, request_release
    from khronika.records.demo import create_demo_staff, generate
    from khronika.records.models import Act, Consent, Incident
    from khronika.records.reference import load_reference_data
    from khronika.vault.demo import ensure_demo_vault

    call_command("migrate", verbosity=0, interactive=False)
    ensure_demo_vault()
    load_reference_data()
    create_demo_staff()
    started = time.perf_counter()
    generate(size)
    generate_seconds = time.perf_counter() - started

    victims = sorted(set(Act.objects.exclude(victim=None).order_by().values_list("victim_id", flat=True)))
    today = timezone.localdate()
    # The demo already gives some victims the publication consent (records.demo.DEMO_CONSENT_SHARES).
    consented = set(
        Consent.objects.filter(scope=Consent.Scope.PUBLICATION).values_list("person_id", flat=True)
    )
    consents = [
        Consent(person_id=v, scope=Consent.Scope.PUBLICATION, given_on=today, method=Consent.Method.WRITTEN)
        for i, v in enumerate(victims)
        if i % 3 and v not in consented
    ]
    Consent.objects.bulk_create(consents, batch_size=5000)
    compartments = list(Compartment.objects.filter(decoy_workspace__isnull=True))
    first = User.objects.create_user("bench-analyst", "x" * 20, role="coordinator")
    second = User.objects.create_user("bench-coordinator", "y" * 20, role="coordinator")
    first.compartments.set(compartments)
    span = Incident.objects.aggregate(low=Min("date_start"), high=Max("date_start"))
    end = min(span["high"], last_releasable_day(today, "year"))
    start = max(span["low"], end - timedelta(days=3 * 365))

    started = time.perf_counter()
    release = request_release(first, ReleaseRequest(kind="counts", start=start, end=end, epsilon=1.0))
    release = approve_release(release.id, second)
    release_seconds = time.perf_counter() - started
    html = render_to_string("publishing/figures.html", report_context(release, "ru"))
    pdf_ru = report_pdf(release, "ru")
    pdf_en = report_pdf(release, "en")
    report_seconds = time.perf_counter() - started

    started = time.perf_counter()
    dataset = request_release(
        first,
        ReleaseRequest(
            kind="dataset",
            start=start,
            end=end,
            granularity="year",
            partner="Benchmark partner",
            columns=["age"],
            place_level="district",
        ),
    )
    dataset_seconds = time.perf_counter() - started
    used = sum(n or 0 for _, n in release.figures["tables"]["period"])
    return {
        "incidents": size,
        "generate_seconds": round(generate_seconds, 2),
        "release_seconds": round(release_seconds, 2),
        "report_seconds": round(report_seconds, 2),
        "dataset_seconds": round(dataset_seconds, 2),
        "dataset_rows": dataset.summary["rows"],
        "dataset_suppressed": dataset.summary["suppressed"],
        "noisy_acts_published": used,
        "html_bytes": len(html),
        "pdf_bytes": len(pdf_ru) + len(pdf_en),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SIZE:,} incidents, same target")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    size = QUICK_SIZE if args.quick else FULL_SIZE
    if args.child:
        with fresh_instance("sqlite", "khronika-bench-report", KHRONIKA_DEMO="1"):
            result = _measure(size)
        result["targets"] = {"report_seconds": TARGET_REPORT_SECONDS}
        result["targets_met"] = result["report_seconds"] <= TARGET_REPORT_SECONDS
        print(json.dumps(result, sort_keys=True))
        return 0
    print(f"== report generation: {size:,} incidents", flush=True)
    result = run_report_benchmark(args.quick)
    print(json.dumps(result, sort_keys=True))
    return 0 if result.get("targets_met") else 1


if __name__ == "__main__":
    raise SystemExit(main())
