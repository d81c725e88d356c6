"""How fast the safety registry answers a private lookup at 1,000,000 confirmed entries.

Usage (from the repository root)::

    .venv/bin/python -m benchmarks.registry_lookup [--quick] [--backend sqlite|postgresql|both]

For each database it builds a fresh instance, bulk-inserts confirmed entries with random lookup hashes
(timed; real hashes would need a million PBKDF2 iterations each, which is the browser's cost, not the
server's), starts ``khronika demo --size 0`` (unsealed, serving on a free loopback port) and asks for
buckets at random prefixes over real HTTP, as lookup.js does. Separately, it opens the lookup page in
Debian's chromium and times the client-side hash (``khronikaLookupHash`` in lookup.js, PBKDF2-HMAC-SHA256
with the instance's production iteration count). The last line printed is one JSON object with every
figure and ``targets_met``.

Targets: bucket answer p95 ≤ 10 ms, every answer the same size and ≤ 16 KB, no failed request.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import time
from datetime import timedelta
from typing import Any

from benchmarks.common import free_port, fresh_instance, percentiles, run_child, served

FULL_SIZE = 1_000_000
QUICK_SIZE = 100_000
TARGET_P95_MS = 10.0
TARGET_ANSWER_BYTES = 16 * 1024
DEFAULT_PG_PORT = "54341"
HASH_RUNS = 5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SIZE:,} entries, same targets")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--requests", type=int, default=0, help="lookups (default 500, quick 300)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    size = QUICK_SIZE if args.quick else FULL_SIZE
    count = args.requests or (300 if args.quick else 500)
    if args.child:
        print(json.dumps(run_backend(args.child, size, count, args.seed), sort_keys=True))
        return 0
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = {}
    for name in backends:
        print(f"== {name}: {size:,} entries", flush=True)
        arguments = ["--child", name, "--seed", str(args.seed), "--requests", str(count)]
        arguments += ["--quick"] if args.quick else []
        results[name] = run_child("benchmarks.registry_lookup", arguments, name, DEFAULT_PG_PORT, name)
    summary = {
        "benchmark": "registry_lookup",
        "entries": size,
        "quick": args.quick,
        "lookups": count,
        "targets": {"p95_ms": TARGET_P95_MS, "answer_bytes": TARGET_ANSWER_BYTES},
        "backends": results,
        "targets_met": all(r.get("targets_met") is True for r in results.values()),
    }
    print(json.dumps(summary, sort_keys=True))
    return 0 if summary["targets_met"] else 1


def run_backend(backend: str, size: int, count: int, seed: int) -> dict[str, Any]:
    with fresh_instance(backend, "khronika-bench-registry", KHRONIKA_DEMO="1"):
        insert_seconds, key_id = _prepare(size, random.Random(seed))
        print(f"{backend}: inserted {size:,} confirmed entries in {insert_seconds:.1f} s", flush=True)
        port = free_port()
        with served(["demo", "--size", "0", "--port", str(port)], port, ready_path="/warnings/en/"):
            figures = _measure(port, key_id, count, random.Random(seed + 1))
            figures["client_hash"] = _client_hash(port)
    result: dict[str, Any] = {"insert_seconds": round(insert_seconds, 2), **figures}
    result["targets_met"] = (
        result["errors"] == 0
        and result["lookup"]["p95_ms"] <= TARGET_P95_MS
        and len(result["answer_sizes"]) == 1
        and result["answer_sizes"][0] <= TARGET_ANSWER_BYTES
    )
    answers, client = result["lookup"], result["client_hash"]
    print(
        f"{backend}: bucket lookup p50 {answers['p50_ms']:.1f} ms  p95 {answers['p95_ms']:.1f} ms  "
        f"answer {result['answer_sizes']} bytes; browser hash p50 {client['p50_ms']:.0f} ms "
        f"at {client['iterations']:,} iterations",
        flush=True,
    )
    return result


def _prepare(size: int, rng: random.Random) -> tuple[float, str]:
    """Migrate, make the demo vault and the lookup key, bulk-insert ``size`` confirmed entries (timed)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from khronika.bulk import insert_rows
    from khronika.records.reference import load_reference_data
    from khronika.safety.models import Entry, Kind, State
    from khronika.safety.services import own_key
    from khronika.vault.demo import ensure_demo_vault

    call_command("migrate", verbosity=0, interactive=False)
    ensure_demo_vault()
    load_reference_data()
    key = own_key()
    until = timezone.now() + timedelta(days=182)
    started = time.perf_counter()
    rows = (
        (Kind.PHONE, State.CONFIRMED, rng.getrandbits(20), f"{rng.getrandbits(236):059x}", until)
        for _ in range(size)
    )
    insert_rows(Entry, ("kind", "state", "hash_prefix", "hash_suffix", "confirmed_until"), rows)
    return time.perf_counter() - started, key.key_id


def _measure(port: int, key_id: str, count: int, rng: random.Random) -> dict[str, Any]:
    """Ask for ``count`` buckets at random prefixes on one keep-alive connection, as a browser would."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times: list[float] = []
    sizes: set[int] = set()
    errors = 0
    for n in range(count + 5):
        path = f"/warnings/range/{key_id}/{rng.getrandbits(20):05x}/"
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if n < 5:  # unmeasured: loads code into the fresh server
            continue
        times.append(elapsed)
        sizes.add(len(body))
        errors += 0 if response.status == 200 else 1
    connection.close()
    return {"lookup": percentiles(times), "answer_sizes": sorted(sizes), "errors": errors}


def _client_hash(port: int) -> dict[str, Any]:
    """Time lookup.js's hash in chromium at the instance's production iteration count."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from khronika.safety.services import own_key
    from khronika.testing.browser import chromium

    key = own_key()
    with chromium() as browser:
        page = browser.new_page()
        # localhost, not 127.0.0.1: both are secure contexts, and this is the name Tor Browser users see.
        page.goto(f"http://localhost:{port}/warnings/en/check/")
        samples = []
        for _ in range(HASH_RUNS):
            identifier = f"phone:+7900{secrets.randbelow(10**7):07d}"
            samples.append(
                page.evaluate(
                    """async ([identifier, key]) => {
                        const started = performance.now();
                        await window.khronikaLookupHash(identifier, key);
                        return performance.now() - started;
                    }""",
                    [identifier, {"key": key.key, "iterations": key.iterations}],
                )
            )
    return {**percentiles(samples), "iterations": key.iterations}


if __name__ == "__main__":
    raise SystemExit(main())
