"""`khronika evidence export` writes a bundle that a court can check with nothing but plain Python."""

import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from khronika.accounts.roles import Role
from khronika.ledger.models import LedgerEntry
from khronika.ledger.services import record
from khronika.records.models import CustodyEntry
from khronika.testing.factories import EvidenceFactory, IncidentFactory, UserFactory

PLAIN_PYTHON = shutil.which("python3", path="/usr/bin:/bin") or "python3"


def use_temporary_storage(settings, tmp_path):
    """Files and the signing key in this test's own folder. (Helpers shared by the other
    test_evidence_bundle_* modules, which define their fixtures with them.)"""
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "data" / "files"
    settings.DATA_DIR.mkdir()


def add_evidence(incident, content, media_type="application/pdf", received_by=None):
    evidence = EvidenceFactory(
        incident=incident,
        file__data=content,
        file__filename="synthetic.bin",
        media_type=media_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        original_name="protocol-of-detention.pdf",
    )
    CustodyEntry.objects.create(evidence=evidence, action=CustodyEntry.Action.RECEIVED, actor=received_by)
    record(received_by, "create", evidence)
    return evidence


def make_case(team):
    """An incident in the home compartment with two files, written to the ledger as the web UI does."""
    incident = IncidentFactory(compartment=team.home)
    record(team.documenter, "create", incident)
    files = [
        add_evidence(incident, b"%PDF-1.4 synthetic detention protocol", received_by=team.documenter),
        add_evidence(incident, b"\x89PNG synthetic photo of injuries", "image/png", team.documenter),
    ]
    IncidentFactory(compartment=team.elsewhere)  # unrelated records in between
    return incident, files


def run_verifier(folder, *args):
    """The verifier as a court runs it: an isolated interpreter, no site-packages, no environment."""
    return subprocess.run(  # noqa: S603 -- fixed interpreter and arguments
        [PLAIN_PYTHON, "-I", str(folder / "verify_bundle.py"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=folder,
    )


def export(incident, out, *args):
    call_command("evidence", "export", incident.reference, "--out", str(out), *args)
    return out


@pytest.fixture
def case(team, settings, tmp_path):
    use_temporary_storage(settings, tmp_path)
    return make_case(team)


@pytest.fixture
def bundle(case, tmp_path):
    return export(case[0], tmp_path / "bundle")


def test_a_fresh_bundle_verifies_with_plain_python(bundle):
    result = run_verifier(bundle)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("OK")
    assert "2 files match their SHA-256 taken on arrival" in result.stdout


def test_the_manifest_holds_both_hashes_and_the_custody_record(case, bundle):
    _, files = case
    manifest = json.loads((bundle / "manifest.json").read_text())
    by_id = {item["evidence_id"]: item for item in manifest["files"]}
    for evidence in files:
        item = by_id[str(evidence.id)]
        assert item["sha256_on_arrival"] == item["sha256_at_export"] == evidence.sha256
        assert item["path"].startswith(f"files/{evidence.id}")
        assert (bundle / item["path"]).read_bytes() == evidence.file.open("rb").read()
        assert [(c["action"], c["by"]) for c in item["custody"]] == [
            ("received", "doc"),
            ("exported", "operator (command line)"),
        ]


def test_exporting_is_recorded_in_custody_and_ledger(case, bundle):
    incident, files = case
    for evidence in files:
        assert evidence.custody.filter(action=CustodyEntry.Action.EXPORTED).count() == 1
    assert LedgerEntry.objects.filter(
        action="export", object_type="records.incident", object_id=str(incident.id)
    ).exists()
    digest = hashlib.sha256((bundle / "manifest.json").read_bytes()).hexdigest()
    assert LedgerEntry.objects.filter(
        action="bundle", object_type="evidence-bundle", object_id=digest
    ).exists()


def test_the_ledger_extract_starts_at_the_first_entry_about_the_incident(case, bundle):
    incident, _ = case
    lines = [json.loads(line) for line in (bundle / "ledger.jsonl").read_text().splitlines()]
    first = LedgerEntry.objects.filter(object_id=str(incident.id)).order_by("seq").first()
    assert lines[0]["seq"] == first.seq
    assert lines[-1]["seq"] == json.loads((bundle / "checkpoint.json").read_text())["seq"]


def test_a_zip_bundle_verifies_after_unzipping(case, tmp_path):
    incident, _ = case
    out = tmp_path / "for-court.zip"
    call_command("evidence", "export", str(incident.id), "--out", str(out))
    with zipfile.ZipFile(out) as archive:
        archive.extractall(tmp_path / "unzipped")
    result = run_verifier(tmp_path / "unzipped" / "for-court")
    assert result.returncode == 0, result.stdout


def test_it_exports_on_behalf_of_a_coordinator_who_may_see_the_incident(case, tmp_path, team):
    incident, files = case
    coordinator = UserFactory(username="coord", role=Role.COORDINATOR, compartments=[team.home])
    out = export(incident, tmp_path / "bundle", "--user", "coord")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["exported_by"] == "coord"
    assert files[0].custody.get(action="exported").actor == coordinator
    assert LedgerEntry.objects.get(action="export").actor == f"user:{coordinator.pk}"
    assert run_verifier(out).returncode == 0


def test_it_pins_the_published_key(bundle):
    key = json.loads((bundle / "checkpoint.json").read_text())["public_key"]
    assert run_verifier(bundle, "--public-key", key).returncode == 0
    result = run_verifier(bundle, "--public-key", "ab" * 32)
    assert "signed by another key than the one given" in result.stdout


def test_the_verifier_needs_nothing_but_the_standard_library(bundle):
    source = Path(bundle / "verify_bundle.py").read_text()
    imports = {line.split()[1] for line in source.splitlines() if line.startswith(("import ", "from "))}
    assert imports <= {"__future__", "argparse", "hashlib", "json", "sys", "pathlib", "typing"}
