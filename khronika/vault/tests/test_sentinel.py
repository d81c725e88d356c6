"""Proof that nothing readable is left on disk (issue 5, Proof): the sentinel test.

A separate process, with its own data folder and temporary folder, migrates a FILE database (SQLite, or
a fresh PostgreSQL database when the suite runs under ``scripts/with-postgres``), unseals a vault of its
own, and fills every sensitive field of every model (found through ``sensitive_field_names``, so a new
sensitive field is covered or the test fails) and a >2 MiB evidence file with marker strings, through
the application's code: model ``save()``, the evidence upload view and service (which spools through
the encrypted upload handler). Then every byte it could have left behind is searched for the markers
in UTF-8, UTF-16 (both byte orders), base64 (standard and URL-safe, the three alignments) and hex:
the SQLite file with its -wal/-shm, or a ``pg_dump`` and the server's data folder with pg_wal; the
file store; the temporary folder; the process's stdout and stderr, which carry its log output. Once
after a clean finish, once after the writer was killed (SIGKILL) in the middle of writing.

Searching for the markers' common cores (``SENTINEL7391``/``СЕНТИНЕЛ7391``, either case) finds every marker
and any fragment of one. Known limit: a value that some layer compressed in clear (PostgreSQL TOAST
compresses values over 2 KB) would not be found; ciphertext does not compress, so nothing in clear
should be compressed there. Run the writer alone with ``python -m khronika.vault.tests.test_sentinel``.
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

# Numbered, so that no other test's synthetic names ("Sentinelov") can match when the PostgreSQL data
# folder, shared by the whole suite's test database, is scanned.
CORES = ("СЕНТИНЕЛ7391", "сентинел7391", "SENTINEL7391", "sentinel7391")
WRITER = [sys.executable, "-m", "khronika.vault.tests.test_sentinel"]
WRITER_TIMEOUT = 240


def marker(model: str, field: str) -> str:
    """A unique marker per model and field, Cyrillic and Latin."""
    return f"СЕНТИНЕЛ7391-Дагестан-{model}-{field} SENTINEL7391-latin-{model}-{field}"


def needles() -> list[tuple[str, bytes]]:
    """Every encoding of every core that a leak could take on disk."""
    found: list[tuple[str, bytes]] = []
    for core in CORES:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            raw = core.encode(encoding)
            found.append((f"{core} {encoding}", raw))
            found.append((f"{core} {encoding} hex", raw.hex().encode()))
            found.append((f"{core} {encoding} HEX", raw.hex().upper().encode()))
            for offset in range(3):
                total = offset + len(raw)
                for name, encode in (("base64", base64.b64encode), ("base64url", base64.urlsafe_b64encode)):
                    encoded = encode(bytes(offset) + raw)
                    # Only the characters that depend on the core alone, whatever bytes surround it.
                    stable = encoded[-(-offset * 4 // 3) : (total // 3) * 4]
                    found.append((f"{core} {encoding} {name}+{offset}", stable))
    return found


NEEDLES = needles()


def hits_in(data: bytes) -> list[str]:
    return [label for label, needle in NEEDLES if needle in data]


def scan(paths: list[Path]) -> dict[str, list[str]]:
    """{file: [encodings of a marker found in it]} over every file under ``paths``."""
    leaks: dict[str, list[str]] = {}
    for root in paths:
        files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
        for path in files:
            try:
                data = path.read_bytes()
            except FileNotFoundError:  # a server's temporary file, gone between listing and reading
                continue
            if found := hits_in(data):
                leaks[str(path)] = found
    return leaks


# --- the writer: runs in its own process -------------------------------------------------------------


def _fill_every_sensitive_field(round_number: int) -> list[str]:
    """Create one row of every model with sensitive fields, each field holding its marker. Returns the
    labels covered, so the test can check that no sensitive model was left out."""
    from django.apps import apps
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from khronika.accounts.roles import Role
    from khronika.ledger.services import record
    from khronika.records.exchange.approval import request_plaintext_export
    from khronika.records.models import Act, Evidence, Incident, Information, Organisation, Person, Source
    from khronika.records.services import save_incident
    from khronika.testing import factories as typed_factories

    factories: Any = typed_factories  # factory_boy's classes return model instances
    from khronika.vault.fields import sensitive_field_names

    def marked(model: type) -> dict[str, str]:
        return {name: marker(model.__name__, name) for name in sensitive_field_names(model)}

    compartment = factories.CompartmentFactory(name=f"Round {round_number}")
    user_model = apps.get_model("accounts", "User")
    user = factories.UserFactory(
        username=f"documenter{round_number}",
        role=Role.DOCUMENTER,
        compartments=[compartment],
        **marked(user_model),
    )
    # Staff secrets: the authenticator's shared secret and the recovery codes.
    totp_model = apps.get_model("accounts", "VaultTOTPDevice")
    totp_model.objects.create(user=user, name="phone", confirmed=True, **marked(totp_model))
    codes_model = apps.get_model("accounts", "RecoveryCodes")
    codes_model.objects.create(user=user, name="recovery", confirmed=True, **marked(codes_model))

    person = Person(compartment=compartment, **marked(Person))
    person.save()
    record(user, "create", person)
    organisation = factories.OrganisationFactory(**marked(Organisation))
    # Incident, act and source as the incident form sends them, through the records service.
    incident_fields, act_fields = marked(Incident), marked(Act)
    source_fields, information_fields = marked(Source), marked(Information)
    incident = save_incident(
        user,
        {
            **incident_fields,
            "status": Incident.Status.choices[0][0],
            "confidentiality": Incident._meta.get_field("confidentiality").default,
            "compartment": compartment,
            "place": factories.place("RU-DA"),
        },
        [
            {
                "act_type": factories.term("act_type").code,
                "victim_pseudonym": person,
                "perpetrator_unit": organisation,
                **act_fields,
            }
        ],
        {
            "source_type": factories.term("source_type").code,
            "source_name": source_fields["name"],
            **information_fields,
        },
    )
    source = Source.objects.get(information__incident=incident)
    source.contact, source.url = source_fields["contact"], source_fields["url"]
    source.save()
    record(user, "update", source)
    assert Act.objects.get(incident=incident).description == act_fields["description"]

    # A coordinator's reason for a clear-text export, through the approval service.
    approval_model = apps.get_model("records", "PlaintextExportApproval")
    request_plaintext_export(user, marked(approval_model)["reason"])

    # The evidence file goes through the web upload: over FILE_UPLOAD_MAX_MEMORY_SIZE it is spooled by
    # the encrypted upload handler, then stored by the encrypted file storage.
    evidence_fields = marked(Evidence)
    line = (marker("Evidence", "content") + "\n").encode()
    content = line * (3 * 1024 * 1024 // len(line) + 1)
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("records:evidence_add", args=[incident.id]),
        {
            "file": SimpleUploadedFile(evidence_fields["original_name"] + ".txt", content),
            "description": evidence_fields["description"],
        },
        secure=True,
    )
    assert response.status_code == 302, response.status_code
    assert Evidence.objects.filter(incident=incident).count() == 1, "the upload was refused"
    _send_an_anonymous_report(user, round_number)
    aid_models = _open_an_aid_case(user, compartment, person, marked)
    monitoring_models = _monitor_an_article(compartment, marked)
    publishing_models = _request_a_partner_dataset(user, marked)
    safety_models = _report_to_the_safety_registry(user, marked)
    made = (
        user_model,
        totp_model,
        codes_model,
        approval_model,
        Person,
        Organisation,
        Incident,
        Act,
        Source,
        Information,
        Evidence,
        *aid_models,
        *monitoring_models,
        *publishing_models,
        *safety_models,
    )
    return [m._meta.label for m in made]


def _report_to_the_safety_registry(user: Any, marked: Any) -> list[Any]:
    """A registry entry with a report and a moderator's decision (khronika/safety)."""
    from khronika.safety.models import Decision, Entry, Kind, Reason, Report

    entry = Entry(kind=Kind.PLACE, **marked(Entry))
    entry.save()
    Report(entry=entry, channel="staff", origin="sentinel", **marked(Report)).save()
    Decision(entry=entry, action="confirm", reason=Reason.EVIDENCE, by=user, **marked(Decision)).save()
    return [Entry, Report, Decision]


def _request_a_partner_dataset(user: Any, marked: Any) -> list[Any]:
    """A partner dataset release: the partner's name, the note and the stored rows (khronika/publishing)."""
    import datetime

    from khronika.ledger.services import record
    from khronika.publishing.models import Release

    release = Release(
        kind=Release.Kind.DATASET,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 3, 31),
        requested_by=user,
        **marked(Release),
    )
    release.save()
    record(user, "request_release", release)
    return [Release]


def _monitor_an_article(compartment: Any, marked: Any) -> list[Any]:
    """A feed, an article read from it and a candidate, saved as the importer saves them."""
    from khronika.monitoring import fingerprints
    from khronika.monitoring.models import Article, Candidate, Feed

    feed = Feed(compartment=compartment, **marked(Feed))
    feed.save()
    fields = marked(Article)
    article = Article(
        compartment=compartment,
        feed=feed,
        origin=Article.Origin.FEED,
        content_digest=fingerprints.content_digest(fields["text"]),
        minhash=fingerprints.minhash(fields["text"]),
        **fields,
    )
    article.save()
    Candidate(article=article, **marked(Candidate)).save()
    return [Feed, Article, Candidate]


def _open_an_aid_case(user: Any, compartment: Any, person: Any, marked: Any) -> list[Any]:
    """An aid case with one of everything on it, through the aid services (khronika/aid)."""
    import datetime

    from khronika.aid import inquiries, relatives, services
    from khronika.aid.models import (
        Case,
        DetentionEvent,
        Inquiry,
        Intervention,
        RelativeAccess,
        SharedUpdate,
        Task,
        Verification,
    )
    from khronika.testing.factories import term

    case = services.save_case(user, Case(compartment=compartment, **marked(Case)), persons=[person])
    kind = term("intervention_type", "shelter")
    services.add_intervention(user, Intervention(case=case, intervention_type=kind, **marked(Intervention)))
    services.add_verification(
        user, Verification(case=case, verified=True, method="video_call", **marked(Verification))
    )
    services.add_task(user, Task(case=case, due_on=datetime.date(2026, 1, 1), **marked(Task)))
    services.add_detention_event(
        user, DetentionEvent(case=case, person=person, kind="detained", **marked(DetentionEvent))
    )
    inquiries.add_inquiry(
        user,
        Inquiry(case=case, person=person, addressee_kind="prosecutor", channel="post", **marked(Inquiry)),
    )
    relatives.give_phrase(user, case, person, marked(RelativeAccess)["label"], "ru")
    relatives.share(user, case, person, **marked(SharedUpdate))
    return [Case, Intervention, Verification, Task, DetentionEvent, Inquiry, RelativeAccess, SharedUpdate]


def _send_an_anonymous_report(staff: Any, round_number: int) -> None:
    """A report through the public form (issue 6: submission text and file content never in clear),
    with a file over the in-memory upload limit and its untouched original kept, then a staff reply
    and the source's answer with the receipt phrase."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from khronika.intake import services
    from khronika.intake.models import Submission

    line = (marker("Intake", "file") + "\n").encode()
    upload = SimpleUploadedFile("report.txt", line * (3 * 1024 * 1024 // len(line) + 1))
    response = Client().post(
        "/report/ru/",
        {
            "what_happened": marker("Intake", "what_happened"),
            "who_was_involved": marker("Intake", "who_was_involved"),
            "contact": marker("Intake", "contact"),
            "attachments": upload,
            "keep_originals": "on",
        },
        secure=True,
    )
    assert response.status_code == 200, response.status_code
    phrase = response.content.decode().split('<p class="phrase">')[1].split("</p>")[0]
    phrase = " ".join(phrase.replace("<span>", " ").replace("</span>", " ").split())
    submission = Submission.objects.order_by("-received_hour", "-pk").first()
    assert submission is not None and submission.attachments.count() == 2, "the report or its file was lost"
    services.add_message(services.open_as_staff(submission), marker("Intake", "staff_reply"), author=staff)
    opened = services.open_with_phrase(phrase)
    assert opened is not None, "the receipt phrase did not open the report"
    services.add_message(opened, marker("Intake", f"source_answer_{round_number}"))


def _open_files_outside(allowed: list[Path]) -> list[str]:
    """Regular files this process holds open outside ``allowed``: the in-memory search index has none."""
    outside = []
    for fd in os.listdir("/proc/self/fd"):
        if fd in {"0", "1", "2"}:  # stdout and stderr go to files the test scans
            continue
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        in_allowed = any(target.startswith(str(root)) for root in allowed)
        if target.startswith("/") and not target.startswith(("/dev/", "/proc/")) and not in_allowed:
            outside.append(target)
    return outside


def writer_main(mode: str) -> None:
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from khronika.records.reference import load_reference_data
    from khronika.records.search_index import INDEX
    from khronika.vault import state
    from khronika.vault.crypto import KdfCost, create_vault
    from khronika.vault.fields import sensitive_field_names

    setup_test_environment()  # the test client's host name
    # The test tooling (factory_boy, Faker) logs its arguments at DEBUG; the application's loggers stay at
    # DEBUG, so whatever Khronika or Django log is scanned.
    for tooling in ("factory", "faker"):
        logging.getLogger(tooling).setLevel(logging.WARNING)
    call_command("migrate", verbosity=0, interactive=False)
    load_reference_data()
    vault = create_vault(
        "synthetic sentinel passphrase", kdf_cost=KdfCost(time_cost=1, memory_kib=8, parallelism=1)
    )
    state.unseal(vault.keys)

    covered = _fill_every_sensitive_field(0)
    sensitive = sorted(m._meta.label for m in apps.get_models() if sensitive_field_names(m))
    missing = sorted(set(sensitive) - set(covered))
    assert not missing, f"models with sensitive fields the sentinel does not fill: {missing}"
    # The search index took the markers in (it is current on writes) and holds them in memory only.
    assert INDEX.matching(marker("Incident", "narrative").split()[1]), "the search index missed a write"
    allowed = [Path(settings.DATA_DIR), Path(sys.prefix), Path(sys.base_prefix)]
    outside = _open_files_outside(allowed)
    assert not outside, f"files held open outside the data folder: {outside}"
    print("FILLED", flush=True)
    if mode == "loop":  # keep writing until the test kills us
        round_number = 1
        while True:
            _fill_every_sensitive_field(round_number)
            round_number += 1


if __name__ == "__main__":
    writer_main(sys.argv[1] if len(sys.argv) > 1 else "once")


# --- the test ----------------------------------------------------------------------------------------


class Backend:
    """Where the writer's database lives and how to read back everything the database server wrote."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.url = os.environ.get("DATABASE_URL", "")
        self.postgres = self.url.startswith(("postgres://", "postgresql://"))
        self.database = f"khronika_vp_{secrets.token_hex(4)}"
        self.writer_url_cached: str | None = None

    def writer_url(self) -> str | None:
        if not self.postgres:
            return None  # SQLite in the writer's own data folder
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(path="/" + self.database))

    def evidence(self, data_dir: Path) -> list[Path]:
        if not self.postgres:
            files = sorted(data_dir.glob("khronika.sqlite3*"))
            assert data_dir / "khronika.sqlite3" in files
            return files
        import psycopg

        url = str(self.writer_url_cached)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CHECKPOINT")  # what is in pg_wal also reaches the table files
        bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        dump = self.workdir / "dump.sql"
        command = [str(bindir / "pg_dump"), "--dbname", str(url), "--file", str(dump)]
        subprocess.run(command, check=True, timeout=120)  # noqa: S603  # our own server and database
        assert dump.stat().st_size > 10_000
        pgdata = os.environ.get("KHRONIKA_TEST_PGDATA")
        assert pgdata, "scripts/with-postgres must export KHRONIKA_TEST_PGDATA (the server's data folder)"
        assert (Path(pgdata) / "pg_wal").is_dir()
        return [dump, Path(pgdata)]

    def ledger_text(self, data_dir: Path) -> str:
        from khronika.ledger.models import LedgerEntry

        table = LedgerEntry._meta.db_table
        query = f"SELECT * FROM {table}"  # noqa: S608  # the model's own table name
        if not self.postgres:
            with sqlite3.connect(data_dir / "khronika.sqlite3") as conn:
                return repr(conn.execute(query).fetchall())
        import psycopg

        with psycopg.connect(str(self.writer_url_cached)) as conn:
            return repr(conn.execute(query).fetchall())

    def drop(self) -> None:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def run_writer(workdir: Path, backend: Backend, mode: str) -> tuple[Path, Path, Path, Path]:
    data_dir, tmp_dir = workdir / "data", workdir / "tmp"
    data_dir.mkdir()
    tmp_dir.mkdir()
    out, err = workdir / "stdout", workdir / "stderr"
    env = {
        **os.environ,
        "KHRONIKA_DATA_DIR": str(data_dir),
        "TMPDIR": str(tmp_dir),
        "DJANGO_SETTINGS_MODULE": "khronika.settings",
        "KHRONIKA_REQUIRE_2FA": "0",
        "KHRONIKA_LOG_LEVEL": "DEBUG",  # the most a log could say
        "KHRONIKA_DB_CONN_MAX_AGE": "0",
    }
    env.pop("DATABASE_URL", None)
    url = backend.writer_url()
    backend.writer_url_cached = url
    if url:
        env["DATABASE_URL"] = url
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen([*WRITER, mode], env=env, stdout=stdout, stderr=stderr)  # noqa: S603
        try:
            if mode == "once":
                assert process.wait(timeout=WRITER_TIMEOUT) == 0, err.read_text(errors="replace")[-3000:]
            else:
                deadline = time.monotonic() + WRITER_TIMEOUT
                while b"FILLED" not in out.read_bytes():
                    assert process.poll() is None, err.read_text(errors="replace")[-3000:]
                    assert time.monotonic() < deadline, "the writer never got going"
                    time.sleep(0.1)
                time.sleep(1.5)  # well inside the next rounds of writes
                assert process.poll() is None, "the writer stopped before it could be killed"
                os.kill(process.pid, signal.SIGKILL)
                assert process.wait(timeout=30) == -signal.SIGKILL
        finally:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
    return data_dir, tmp_dir, out, err


def test_the_needles_find_each_encoding_of_a_marker():
    value = marker("Person", "family_name")
    for blob in (
        value.encode(),
        value.encode("utf-16-le"),
        value.encode("utf-16-be"),
        b"x" + base64.b64encode(b"ab" + value.encode()),
        base64.urlsafe_b64encode(b"a" + value.encode()),
        value.encode().hex().upper().encode(),
        value.lower().encode("utf-16-le").hex().encode(),
    ):
        assert hits_in(blob), blob[:40]
    assert not hits_in(os.urandom(1 << 20))


@pytest.mark.parametrize("mode", ["once", "loop"], ids=["after-a-clean-finish", "after-a-kill-mid-write"])
def test_no_marker_is_readable_anywhere_on_disk(tmp_path, mode):
    backend = Backend(tmp_path)
    try:
        data_dir, tmp_dir, out, err = run_writer(tmp_path, backend, mode)
        files = data_dir / "files"
        assert files.is_dir() and any(p.is_file() for p in files.rglob("*")), "no evidence file was stored"
        stored = sum(p.stat().st_size for p in files.rglob("*") if p.is_file())
        assert stored > 3 * 1024 * 1024, "the large evidence file did not reach the file store"
        intake = data_dir / "files" / "intake"
        intake_bytes = sum(p.stat().st_size for p in intake.rglob("*") if p.is_file())
        assert intake_bytes > 2 * 3 * 1024 * 1024, "the report's file and its original were not stored"
        database = backend.evidence(data_dir)
        if not backend.postgres:
            # After a kill the rows may be in the WAL alone: the two together hold what was written.
            assert sum(p.stat().st_size for p in database) > 100_000
        leaks = scan([*database, data_dir, tmp_dir, out, err])
        assert leaks == {}
        ledger = backend.ledger_text(data_dir).casefold()
        assert "sentinel7391" not in ledger and "сентинел7391" not in ledger
        assert ledger.startswith("[("), "the writes were not ledgered"
    finally:
        backend.drop()
