"""How fast the incident list, a filtered list and a text search answer at 100,000 incidents.

Usage (from the repository root)::

    .venv/bin/python -m benchmarks.records_pages [--quick] [--backend sqlite|postgresql|both]

For each database it builds a fresh instance (PostgreSQL through ``scripts/with-postgres`` on its own
port), times the demo generator, then starts ``khronika serve`` and asks it for pages over real HTTP on
the loopback interface, logged in as a documenter (not a superuser) who belongs to two of the three
demo compartments, so the compartment filter is part of every query. Every request is a different,
randomly drawn URL: nothing is warmed by repeating one query. The last line printed is one JSON object
with every figure and ``targets_met``.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import REPO, percentiles, run_child

FULL_SIZE = 100_000
QUICK_SIZE = 10_000
TARGET_P95_MS = 150.0
TARGET_GENERATE_SECONDS = 60.0
KINDS = ("list", "filtered", "search")
# A port other than the test suite's (scripts/with-postgres defaults to 54329), so both can run at once.
DEFAULT_PG_PORT = "54339"
BENCH_USER = "bench-documenter"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SIZE:,} incidents, same targets")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--requests", type=int, default=0, help="requests per kind of page (default 300)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    size = QUICK_SIZE if args.quick else FULL_SIZE
    per_kind = args.requests or (150 if args.quick else 300)
    if args.child:
        result = run_backend(args.child, size, per_kind, args.seed)
        print(json.dumps(result, sort_keys=True))
        return 0
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = {name: _run_child(name, args, size) for name in backends}
    summary = {
        "benchmark": "records_pages",
        "incidents": size,
        "quick": args.quick,
        "requests_per_kind": per_kind,
        "targets": {"p95_ms": TARGET_P95_MS, "generate_seconds": TARGET_GENERATE_SECONDS},
        "backends": results,
        "targets_met": all(r.get("targets_met") is True for r in results.values()),
    }
    print(json.dumps(summary, sort_keys=True))
    return 0 if summary["targets_met"] else 1


def _run_child(backend: str, args: argparse.Namespace, size: int) -> dict[str, Any]:
    """Run one backend in its own process: Django's settings are read once per process."""
    arguments = ["--child", backend, "--seed", str(args.seed)]
    arguments += ["--quick"] if args.quick else []
    arguments += ["--requests", str(args.requests)] if args.requests else []
    print(f"== {backend}: {size:,} incidents", flush=True)
    return run_child("benchmarks.records_pages", arguments, backend, DEFAULT_PG_PORT, backend)


def run_backend(backend: str, size: int, per_kind: int, seed: int) -> dict[str, Any]:
    """Build an instance on ``backend``, serve it, measure it; the figures as a dict."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"khronika-bench-{backend}."))
    os.environ.update(
        {
            "KHRONIKA_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "khronika.settings",
            # A demo instance: synthetic data, the demo vault (real encryption, public passphrase),
            # plain HTTP on the loopback interface and a password login.
            "KHRONIKA_DEMO": "1",
        }
    )
    if backend == "sqlite":
        os.environ.pop("DATABASE_URL", None)
    elif "DATABASE_URL" not in os.environ:
        raise SystemExit("The postgresql run needs DATABASE_URL (scripts/with-postgres sets it).")
    try:
        prepared = _prepare(size)
        print(
            f"{backend}: generated {size:,} incidents in {prepared['generate_seconds']:.1f} s "
            f"({prepared['visible_incidents']:,} visible to the documenter)",
            flush=True,
        )
        timings = _measure(prepared, per_kind, random.Random(seed))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    result: dict[str, Any] = {
        "generate_seconds": round(prepared["generate_seconds"], 2),
        "setup_seconds": round(prepared["setup_seconds"], 2),
        "visible_incidents": prepared["visible_incidents"],
        **timings,
    }
    result["targets_met"] = (
        result["generate_seconds"] <= TARGET_GENERATE_SECONDS
        and result["errors"] == 0
        and all(result[kind]["p95_ms"] <= TARGET_P95_MS for kind in KINDS)
    )
    for kind in KINDS:
        figures = result[kind]
        print(
            f"{backend}: {kind:<9} p50 {figures['p50_ms']:7.1f} ms   p95 {figures['p95_ms']:7.1f} ms   "
            f"max {figures['max_ms']:7.1f} ms",
            flush=True,
        )
    return result


def _prepare(size: int) -> dict[str, Any]:
    """Migrate, load reference data, generate the incidents (timed), create the documenter."""
    import django

    django.setup()
    from django.core.management import call_command

    from khronika.accounts.models import Compartment, User
    from khronika.records.demo import create_demo_staff, generate
    from khronika.records.models import Incident, Person, Place, Term
    from khronika.records.reference import load_reference_data
    from khronika.vault.demo import ensure_demo_vault

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    ensure_demo_vault()  # the generator encrypts every sensitive field
    load_reference_data()
    create_demo_staff()
    setup_seconds = time.perf_counter() - started
    started = time.perf_counter()
    generate(size)
    generate_seconds = time.perf_counter() - started

    password = secrets.token_urlsafe(16)
    user = User.objects.create_user(BENCH_USER, password, role="documenter")
    # Two of the three compartments: a third of the data is out of reach and must stay so.
    user.compartments.set(Compartment.objects.filter(decoy_workspace__isnull=True).order_by("id")[:2])
    visible = Incident.objects.filter(compartment__in=user.compartments.all())

    def codes(vocabulary: str) -> list[str]:
        return list(Term.objects.filter(vocabulary__code=vocabulary).values_list("code", flat=True))

    words: set[str] = set()
    for label_ru, label_en in Term.objects.filter(vocabulary__code="act_type").values_list(
        "label_ru", "label_en"
    ):
        words.update(w for w in re.findall(r"\w+", f"{label_ru} {label_en}") if len(w) > 3)
    places = [
        name
        for pair in Place.objects.exclude(kind=Place.Kind.COUNTRY).values_list("name_ru", "name_en")
        for name in pair
        if name
    ]
    return {
        "setup_seconds": setup_seconds,
        "generate_seconds": generate_seconds,
        "visible_incidents": visible.count(),
        "username": BENCH_USER,
        "password": password,
        "act_types": codes("act_type"),
        "perpetrator_types": codes("perpetrator_type"),
        "source_types": codes("source_type"),
        "regions": list(Place.objects.filter(kind=Place.Kind.REGION).values_list("code", flat=True)),
        "statuses": [s.value for s in Incident.Status],
        "words": sorted(words),
        "places": places,
        "pseudonyms": list(Person.objects.order_by("?").values_list("pseudonym", flat=True)[:500]),
        "references": list(Incident.objects.order_by("?").values_list("reference", flat=True)[:500]),
    }


def _measure(prepared: dict[str, Any], per_kind: int, rng: random.Random) -> dict[str, Any]:
    """Start the server, log in, request ``per_kind`` random URLs of each kind in random order."""
    port = _free_port()
    server = subprocess.Popen(  # our own interpreter and module
        # `khronika demo` on the prepared data: it adds no incident, unseals the demo vault and serves.
        [sys.executable, "-m", "khronika.cli", "demo", "--size", "0", "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        opener = _logged_in(base, prepared["username"], prepared["password"])
        pages = max(1, -(-prepared["visible_incidents"] // 25))
        makers: dict[str, Callable[[random.Random], dict[str, str]]] = {
            "list": lambda r: {"page": str(r.randint(1, pages))},
            "filtered": lambda r: _filters(r, prepared),
            "search": lambda r: {"q": _search_text(r, prepared)},
        }
        # A few unmeasured requests (different URLs) load templates and code into the fresh server, and
        # the first search builds the vault's in-memory search index, once per unsealed process.
        for kind in KINDS:
            for _ in range(3):
                _get(opener, base, makers[kind](rng))
        plan = [kind for kind in KINDS for _ in range(per_kind)]
        rng.shuffle(plan)
        times: dict[str, list[float]] = {kind: [] for kind in KINDS}
        errors = 0
        for kind in plan:
            elapsed, ok = _get(opener, base, makers[kind](rng))
            times[kind].append(elapsed)
            errors += 0 if ok else 1
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures: dict[str, Any] = {kind: percentiles(times[kind]) for kind in KINDS}
    figures["errors"] = errors
    return figures


def _filters(rng: random.Random, prepared: dict[str, Any]) -> dict[str, str]:
    """One to three filters drawn from the vocabularies, regions, periods and statuses."""
    year = rng.randint(2019, 2026)
    choices: dict[str, Callable[[], dict[str, str]]] = {
        "act_type": lambda: {"act_type": rng.choice(prepared["act_types"])},
        "region": lambda: {"region": rng.choice(prepared["regions"])},
        "period": lambda: rng.choice(
            [
                {"date_from": str(year), "date_to": str(year)},
                {"date_from": f"{year}-{rng.randint(1, 12):02d}"},
                {"date_to": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"},
            ]
        ),
        "status": lambda: {"status": rng.choice(prepared["statuses"])},
        "perpetrator_type": lambda: {"perpetrator_type": rng.choice(prepared["perpetrator_types"])},
        "source_type": lambda: {"source_type": rng.choice(prepared["source_types"])},
    }
    query: dict[str, str] = {}
    for name in rng.sample(sorted(choices), rng.randint(1, 3)):
        query.update(choices[name]())
    return query


def _search_text(rng: random.Random, prepared: dict[str, Any]) -> str:
    """A word of the act vocabulary, a place name, a pseudonym, a reference, or a word and a place."""
    pool = rng.choice(["words", "places", "pseudonyms", "references", "both"])
    if pool == "both":
        return f"{rng.choice(prepared['words'])} {rng.choice(prepared['places'])}"
    return str(rng.choice(prepared[pool]))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _logged_in(base: str, username: str, password: str) -> urllib.request.OpenerDirector:
    """An opener holding a session cookie, logged in through the real login form."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login = f"{base}/accounts/login/"
    deadline = time.monotonic() + 120
    while True:
        try:
            with opener.open(login, timeout=5) as response:
                form = response.read().decode()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("The server did not start within two minutes.") from None
            time.sleep(0.2)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    if token is None:
        raise SystemExit("The login page has no CSRF token.")
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
    ).encode()
    request = urllib.request.Request(login, data=body)  # noqa: S310  # an http URL we built ourselves
    with opener.open(request, timeout=30) as response:
        if "/accounts/login/" in response.url:
            raise SystemExit("Logging in as the benchmark's documenter failed.")
    return opener


def _get(opener: urllib.request.OpenerDirector, base: str, query: dict[str, str]) -> tuple[float, bool]:
    """Milliseconds to fetch the incident list with ``query``, and whether a real list came back."""
    url = f"{base}/records/incidents/?{urllib.parse.urlencode(query)}"
    started = time.perf_counter()
    try:
        with opener.open(url, timeout=60) as response:
            body = response.read()
            ok = response.status == 200 and b'class="records"' in body
    except OSError:
        ok = False
    return (time.perf_counter() - started) * 1000, ok


if __name__ == "__main__":
    sys.exit(main())
