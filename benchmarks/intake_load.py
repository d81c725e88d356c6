"""How the anonymous intake holds up under a steady stream of reports, some with a large phone photo.

Usage (from the repository root)::

    .venv/bin/python -m benchmarks.intake_load [--quick] [--backend sqlite|postgresql|both]

It builds a fresh demo instance (its vault is real and unsealed, as in ``records_pages``), starts
``khronika demo --size 0`` (which serves it with ``khronika serve``, waitress) on a free loopback port,
and submits through ``POST /report/<lang>/``, open loop: every request is sent at its scheduled time
whether or not the earlier ones have been answered, so a latency includes any time spent queueing.
For the whole duration, 20 text reports a second (each text different) plus one a second carrying a
~3 MB, 12-megapixel JPEG with GPS coordinates and a camera make and model in its EXIF data.

Afterwards it counts the submissions stored, and, as staff (the benchmark process unseals the same
vault), decrypts a random sample of the stored photos and checks that no GPS block or camera name is
left in them. The last line printed is one JSON object with every figure and ``targets_met``.
"""

from __future__ import annotations

import argparse
import html
import http.client
import io
import json
import os
import random
import re
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import free_port, fresh_instance, percentiles, run_child, served

TEXT_PER_SECOND = 20
PHOTO_PER_SECOND = 1
FULL_SECONDS = 60
QUICK_SECONDS = 15
TARGET_TEXT_P95_MS = 1000.0
TARGET_PHOTO_P95_MS = 3000.0
PHOTO_SIZE = (4032, 3024)  # 12.2 megapixels, a common phone camera
PHOTO_TARGET_BYTES = 3_000_000
MIN_PHOTO_SAMPLE = 20
# More client threads than the server can ever have requests in flight: the generator must never be
# what delays a request (open loop), so its own queue stays empty.
CLIENT_THREADS = 200
# A port other than the test suite's and the other benchmarks'.
DEFAULT_PG_PORT = "54349"
BOUNDARY = "----khronika-intake-bench-7d1f0a"
KINDS = ("text", "photo")

# EXIF tags the cleaner must remove: the GPS block, and the camera's make and model.
GPS_IFD_TAG = 0x8825
CAMERA_TAGS = (0x010F, 0x0110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SECONDS} s instead of {FULL_SECONDS} s")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--seconds", type=int, default=0, help="how long to send (overrides --quick)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    seconds = args.seconds or (QUICK_SECONDS if args.quick else FULL_SECONDS)
    if args.child:
        print(json.dumps(run_backend(args.child, seconds, args.seed), sort_keys=True), flush=True)
        return 0
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = {}
    for backend in backends:
        print(f"== {backend}: {seconds} s of {TEXT_PER_SECOND} text + {PHOTO_PER_SECOND} photo reports/s")
        arguments = ["--child", backend, "--seconds", str(seconds), "--seed", str(args.seed)]
        results[backend] = run_child("benchmarks.intake_load", arguments, backend, DEFAULT_PG_PORT, backend)
    summary = {
        "benchmark": "intake_load",
        "quick": args.quick,
        "seconds": seconds,
        "text_per_second": TEXT_PER_SECOND,
        "photo_per_second": PHOTO_PER_SECOND,
        "targets": {
            "text_p95_ms": TARGET_TEXT_P95_MS,
            "photo_p95_ms": TARGET_PHOTO_P95_MS,
            "errors": 0,
            "lost": 0,
            "photos_with_gps": 0,
        },
        "backends": results,
        "targets_met": all(r.get("targets_met") is True for r in results.values()),
    }
    print(json.dumps(summary, sort_keys=True))
    return 0 if summary["targets_met"] else 1


# --- one backend, in its own process ---------------------------------------------------------------


def run_backend(backend: str, seconds: int, seed: int) -> dict[str, Any]:
    """Build an instance on ``backend``, serve it, flood its intake, check what it stored."""
    # A demo instance: synthetic data, the demo vault (real encryption, public passphrase), plain HTTP.
    with fresh_instance(backend, "khronika-intake-bench", KHRONIKA_DEMO="1"):
        import django

        django.setup()
        from django.conf import settings

        rate = TEXT_PER_SECOND + PHOTO_PER_SECOND
        if rate * 60 >= settings.INTAKE_MAX_SUBMISSIONS_PER_MINUTE:
            raise SystemExit(
                f"INTAKE_MAX_SUBMISSIONS_PER_MINUTE ({settings.INTAKE_MAX_SUBMISSIONS_PER_MINUTE}) is below "
                f"the benchmark's {rate * 60} reports a minute: the flood cap would refuse them."
            )
        rng = random.Random(seed)
        vocabulary = _prepare()
        started = time.perf_counter()
        photo = make_photo(random.Random(seed))
        print(
            f"{backend}: made a {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} JPEG of {len(photo) / 1e6:.2f} MB with GPS "
            f"and camera EXIF in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        plan = _plan(seconds, rng, vocabulary)
        port = free_port()
        # `khronika demo` on the prepared instance: it adds no incident, unseals the demo vault, serves.
        with served(["demo", "--size", "0", "--port", str(port)], port, "/report/en/") as server:
            for kind in KINDS:  # unmeasured: load code and templates into the fresh server
                warm = _Request(kind, 0.0, "en", _text_fields(rng, vocabulary, urgent=False))
                if not _send(port, warm, photo).ok:
                    raise SystemExit(f"The warm-up {kind} report was refused.")
            before = _stored()
            load_before = os.getloadavg()[0]
            cpu_before, own_before = _cpu_seconds(server.pid), _own_cpu_seconds()
            outcomes, dispatch = _run(port, plan, photo)
            cpu, own = _cpu_seconds(server.pid) - cpu_before, _own_cpu_seconds() - own_before
        stored = _stored() - before
        checks = _check_photos(rng)
    result = _figures(plan, outcomes, dispatch, stored, checks, seconds, len(photo))
    # How busy the server was (in cores) and how busy the machine was before the run: on a shared
    # two-core machine the second says how much of the first the server could actually get.
    result["server_cpu_cores"] = round(cpu / max(dispatch["all_answered_seconds"], 1e-9), 2)
    result["server_cpu_ms_per_report"] = round(cpu * 1000 / max(len(plan), 1), 1)
    result["client_cpu_cores"] = round(own / max(dispatch["all_answered_seconds"], 1e-9), 2)
    result["load_average_before"] = round(load_before, 2)
    result["cores"] = os.cpu_count()
    result["backend"] = backend
    _print_summary(backend, result)
    return result


def _prepare() -> dict[str, list[str]]:
    """Migrate, create and unseal the demo vault, load the vocabularies; what a report may tick."""
    from django.core.management import call_command

    from khronika.intake.forms import act_checklist
    from khronika.records.places import place_choices
    from khronika.records.reference import load_reference_data
    from khronika.vault.demo import ensure_demo_vault

    call_command("migrate", verbosity=0, interactive=False)
    ensure_demo_vault()  # this process is staff afterwards: it decrypts the stored photos
    load_reference_data()
    acts = [code for _group, options in act_checklist() for code, _label in options]
    places: list[str] = []
    for _value, label in place_choices():
        if isinstance(label, list):
            places.extend(code for code, _name in label)
    return {"acts": acts, "places": places}


# --- the photo -------------------------------------------------------------------------------------


def make_photo(rng: random.Random) -> bytes:
    """A 12-megapixel JPEG of about 3 MB, with a GPS position and a camera make and model in its EXIF.

    Gradients and a few soft shapes give it the large smooth areas of a photo, two grains of noise give
    it the detail a sensor records (so it compresses like a photo, not like a flat test card), and the
    JPEG quality is picked to land near 3 MB, as a phone's photo does.
    """
    from PIL import ExifTags, Image, ImageDraw, ImageFilter

    width, height = PHOTO_SIZE
    gradient = Image.linear_gradient("L")
    base = Image.merge(
        "RGB",
        (
            gradient.resize(PHOTO_SIZE),
            gradient.rotate(90).resize(PHOTO_SIZE),
            Image.radial_gradient("L").resize(PHOTO_SIZE),
        ),
    )
    shapes = ImageDraw.Draw(base)
    for _ in range(12):
        x, y = rng.randrange(width), rng.randrange(height)
        radius = rng.randrange(150, 700)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        shapes.ellipse((x - radius, y - radius, x + radius, y + radius // 2), fill=colour)
    base = base.filter(ImageFilter.GaussianBlur(6))
    coarse = Image.effect_noise((width // 2, height // 2), 40).resize(PHOTO_SIZE, Image.Resampling.BILINEAR)
    grain = Image.effect_noise(PHOTO_SIZE, 18)
    photo = Image.blend(base, Image.merge("RGB", (coarse, grain, coarse)), 0.35)

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SynthCam"
    exif[ExifTags.Base.Model] = "Bench 12 Pro"
    exif[ExifTags.Base.DateTime] = "2026:03:14 21:07:33"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (55.0, 45.0, 20.5),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (37.0, 37.0, 5.0),
        }
    )
    best = b""
    for quality in range(84, 97):
        out = io.BytesIO()
        photo.save(out, "JPEG", quality=quality, exif=exif)
        best = out.getvalue()
        if len(best) >= PHOTO_TARGET_BYTES:
            break
    with Image.open(io.BytesIO(best)) as check:
        if GPS_IFD_TAG not in check.getexif():
            raise SystemExit("The generated photo has no GPS block: the benchmark would prove nothing.")
    return best


# --- the requests ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Request:
    kind: str
    at: float  # seconds after the start, when it is due
    language: str
    fields: list[tuple[str, str]]


@dataclass(frozen=True)
class _Outcome:
    kind: str
    latency_ms: float  # from when it was due, not when it was sent: open loop
    ok: bool
    status: int
    why: str = ""  # for a failure: the form's first error message, or the exception


_OPENINGS = (
    "Меня задержали у клуба",
    "Нас остановили на улице",
    "Ко мне домой пришли полицейские",
    "I was detained after a meeting",
    "Two men followed me from the metro",
    "A man I met through an app brought police",
    "Моего друга вызвали в отдел",
    "At work my manager told the police about me",
)
_MIDDLES = (
    "и продержали несколько часов без объяснений.",
    "и требовали назвать имена знакомых.",
    "забрали телефон и смотрели переписку.",
    "and they filmed me and threatened to publish the video.",
    "and asked for money so they would not tell my family.",
    "and kept my passport for two days.",
    "угрожали сообщить родственникам.",
    "and I was not allowed to call a lawyer.",
)
_ENDINGS = (
    "Потом отпустили, но сказали, что придут снова.",
    "Я не знаю, что делать дальше.",
    "I can tell more if you need.",
    "A friend saw part of it.",
    "",
    "Прошу связаться со мной.",
)
_ROUGHLY = ("в начале марта", "about two weeks ago", "прошлой осенью", "last Friday night", "")


def _text_fields(
    rng: random.Random, vocabulary: dict[str, list[str]], *, urgent: bool
) -> list[tuple[str, str]]:
    """One report's answers, each different: sentences, acts, place and period drawn at random."""
    sentences = [
        f"{rng.choice(_OPENINGS)} {rng.choice(_MIDDLES)} {rng.choice(_ENDINGS)}"
        for _ in range(rng.randint(1, 6))
    ]
    fields = [("what_happened", f"{' '.join(sentences)} (#{uuid.UUID(int=rng.getrandbits(128)).hex[:8]})")]
    acts = vocabulary["acts"]
    fields += [("acts", code) for code in rng.sample(acts, min(len(acts), rng.randint(0, 3)))]
    fields.append(("when_roughly", rng.choice(_ROUGHLY)))
    fields.append(("place", rng.choice(vocabulary["places"]) if rng.random() < 0.7 else ""))
    if urgent:
        fields.append(("urgent", "on"))
    return fields


def _plan(seconds: int, rng: random.Random, vocabulary: dict[str, list[str]]) -> list[_Request]:
    """Every request of the run, due at fixed times: text reports evenly spaced, photos in between."""
    plan = []
    for second in range(seconds):
        for n in range(TEXT_PER_SECOND):
            plan.append(
                _Request(
                    "text",
                    second + n / TEXT_PER_SECOND,
                    rng.choice(("ru", "en")),
                    _text_fields(rng, vocabulary, urgent=rng.random() < 0.05),
                )
            )
        for n in range(PHOTO_PER_SECOND):
            at = second + (n + 0.5) / PHOTO_PER_SECOND + 0.5 / TEXT_PER_SECOND / 2
            plan.append(
                _Request("photo", at, rng.choice(("ru", "en")), _text_fields(rng, vocabulary, urgent=False))
            )
    plan.sort(key=lambda r: r.at)
    return plan


def _multipart(fields: list[tuple[str, str]], photo: bytes | None) -> bytes:
    """The body a browser sends for the report form (``multipart/form-data``, the form's enctype)."""
    parts = []
    for name, value in fields:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    if photo is not None:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="attachments"; filename="IMG_2041.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode()
        )
        parts.append(photo)
        parts.append(b"\r\n")
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


# The first message of a Django error list, as the report page shows it.
_ERROR = re.compile(r'class="errorlist[^"]*"[^>]*>\s*<li>(.*?)</li>', re.S)


def _send(port: int, request: _Request, photo: bytes, due: float | None = None) -> _Outcome:
    """Submit one report; ok only for a 200 that shows a receipt phrase."""
    body = _multipart(request.fields, photo if request.kind == "photo" else None)
    due = time.perf_counter() if due is None else due
    status = 0
    ok = False
    why = ""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(
            "POST",
            f"/report/{request.language}/",
            body=body,
            headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        )
        response = connection.getresponse()
        page = response.read()
        status = response.status
        ok = status == 200 and b'class="phrase"' in page
        if not ok:
            error = _ERROR.search(page.decode(errors="replace"))
            why = f"HTTP {status}: {html.unescape(error.group(1)) if error else 'no message'}"
    except OSError as exc:
        why = type(exc).__name__
    finally:
        connection.close()
    return _Outcome(request.kind, (time.perf_counter() - due) * 1000, ok, status, why)


def _run(port: int, plan: list[_Request], photo: bytes) -> tuple[list[_Outcome], dict[str, float]]:
    """Send every request at its due time (open loop) and wait for all the answers."""
    outcomes: list[_Outcome] = []
    lock = threading.Lock()

    def one(request: _Request, due: float) -> None:
        outcome = _send(port, request, photo, due)
        with lock:
            outcomes.append(outcome)

    late = 0.0
    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        start = time.perf_counter() + 0.2
        for request in plan:
            due = start + request.at
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            late = max(late, time.perf_counter() - due)
            pool.submit(one, request, due)
        last_sent = time.perf_counter()
    finished = time.perf_counter()
    return outcomes, {
        "send_seconds": last_sent - start,
        "all_answered_seconds": finished - start,
        "max_dispatch_lag_ms": late * 1000,
    }


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far, from /proc (Linux); 0 where there is none."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # utime and stime are fields 14 and 15 of stat(5); the split above starts at field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds() -> float:
    """CPU time of this process (the load generator), which competes with the server for the cores."""
    times = os.times()
    return times.user + times.system


# --- what was stored -------------------------------------------------------------------------------


def _stored() -> int:
    from khronika.intake.models import Submission

    return Submission.objects.count()


def _check_photos(rng: random.Random) -> dict[str, int]:
    """Decrypt a random sample of the stored photos as staff; count those with GPS or camera left."""
    from PIL import Image

    from khronika.intake.models import Attachment
    from khronika.intake.services import open_as_staff

    attachments = list(Attachment.objects.filter(is_original=False).select_related("submission"))
    sample = rng.sample(attachments, min(len(attachments), max(MIN_PHOTO_SAMPLE, len(attachments) // 4)))
    with_gps = with_camera = unreadable = 0
    for attachment in sample:
        content = open_as_staff(attachment.submission).file_content(attachment)
        try:
            with Image.open(io.BytesIO(content)) as image:
                exif = image.getexif()
                with_gps += GPS_IFD_TAG in exif
                with_camera += any(tag in exif for tag in CAMERA_TAGS)
        except OSError:
            unreadable += 1
    return {
        "photos_stored": len(attachments),
        "photos_checked": len(sample),
        "photos_with_gps": with_gps,
        "photos_with_camera": with_camera,
        "photos_unreadable": unreadable,
    }


def _figures(
    plan: list[_Request],
    outcomes: list[_Outcome],
    dispatch: dict[str, float],
    stored: int,
    checks: dict[str, int],
    seconds: int,
    photo_bytes: int,
) -> dict[str, Any]:
    result: dict[str, Any] = {"seconds": seconds, "photo_bytes": photo_bytes}
    for kind in KINDS:
        mine = [o for o in outcomes if o.kind == kind]
        result[kind] = {
            **percentiles([o.latency_ms for o in mine]),
            "errors": sum(not o.ok for o in mine),
            "statuses": sorted({o.status for o in mine if not o.ok}),
            "why": dict(Counter(o.why for o in mine if not o.ok).most_common(5)),
        }
    sent = len(plan)
    errors = sum(not o.ok for o in outcomes)
    result.update(
        {
            "sent": sent,
            "answered_ok": sent - errors,
            "errors": errors,
            "stored": stored,
            "lost": sent - stored,
            "sent_per_second": round(sent / max(dispatch["send_seconds"], 1e-9), 2),
            "answered_per_second": round(len(outcomes) / max(dispatch["all_answered_seconds"], 1e-9), 2),
            "max_dispatch_lag_ms": round(dispatch["max_dispatch_lag_ms"], 1),
            **checks,
        }
    )
    checked_enough = checks["photos_checked"] >= min(10, seconds * PHOTO_PER_SECOND)
    result["targets_met"] = (
        result["text"]["p95_ms"] <= TARGET_TEXT_P95_MS
        and result["photo"]["p95_ms"] <= TARGET_PHOTO_P95_MS
        and errors == 0
        and result["lost"] == 0
        and checked_enough
        and checks["photos_with_gps"] == 0
        and checks["photos_with_camera"] == 0
        and checks["photos_unreadable"] == 0
    )
    return result


def _print_summary(backend: str, result: dict[str, Any]) -> None:
    for kind in KINDS:
        figures = result[kind]
        print(
            f"{backend}: {kind:<5} {figures['requests']:5d} sent   p50 {figures['p50_ms']:7.1f} ms   "
            f"p95 {figures['p95_ms']:7.1f} ms   max {figures['max_ms']:7.1f} ms   errors {figures['errors']}",
            flush=True,
        )
        for why, count in figures["why"].items():
            print(f"{backend}: {kind:<5} {count:5d} x {why}", flush=True)
    print(
        f"{backend}: {result['sent_per_second']} reports/s sent, {result['sent']} sent, {result['stored']} "
        f"stored, {result['lost']} lost; {result['photos_checked']} photos decrypted, "
        f"{result['photos_with_gps']} with GPS, {result['photos_with_camera']} with the camera's name",
        flush=True,
    )
    print(
        f"{backend}: the server used {result['server_cpu_cores']} of {result['cores']} cores "
        f"({result['server_cpu_ms_per_report']} ms of CPU a report), the load generator "
        f"{result['client_cpu_cores']}; load average before the run "
        f"{result['load_average_before']}",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
