"""Changing anything in a bundle after export makes its verifier name what failed.

Threat model 6: a bundle travels through hands we do not control; whoever alters a file, the manifest,
the ledger extract or the checkpoint must not get an OK.
"""

import hashlib
import json

import pytest
from django.core.files.base import ContentFile
from django.core.management.base import CommandError

from khronika.records.tests.test_evidence_bundle_verifies import (
    export,
    make_case,
    run_verifier,
    use_temporary_storage,
)


@pytest.fixture
def case(team, settings, tmp_path):
    use_temporary_storage(settings, tmp_path)
    return make_case(team)


@pytest.fixture
def bundle(case, tmp_path):
    return export(case[0], tmp_path / "bundle")


def failures(folder):
    result = run_verifier(folder)
    assert result.returncode == 1
    assert "OK" not in result.stdout
    return result.stdout


def manifest_of(folder):
    return json.loads((folder / "manifest.json").read_text())


def test_a_changed_file_is_named(bundle):
    path = manifest_of(bundle)["files"][0]["path"]
    (bundle / path).write_bytes(b"%PDF-1.4 a doctored protocol")
    assert f"FAILED: {path} does not match the SHA-256 taken when it arrived" in failures(bundle)


def test_a_missing_file_is_named(bundle):
    path = manifest_of(bundle)["files"][1]["path"]
    (bundle / path).unlink()
    assert f"FAILED: {path} is missing" in failures(bundle)


def test_an_added_file_is_named(bundle):
    (bundle / "files" / "planted.pdf").write_bytes(b"%PDF-1.4 planted")
    assert "FAILED: files/planted.pdf was added: manifest.json does not list it" in failures(bundle)


def test_a_manifest_changed_to_fit_a_doctored_file_is_caught(bundle):
    manifest = manifest_of(bundle)
    doctored = b"%PDF-1.4 a doctored protocol"
    (bundle / manifest["files"][0]["path"]).write_bytes(doctored)
    manifest["files"][0]["sha256_on_arrival"] = manifest["files"][0]["sha256_at_export"] = hashlib.sha256(
        doctored
    ).hexdigest()
    (bundle / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    out = failures(bundle)
    assert "FAILED: manifest.json is not the one recorded in the ledger at export" in out
    assert "SHA-256 taken when it arrived" not in out


def test_a_changed_custody_record_is_caught(bundle):
    manifest = manifest_of(bundle)
    manifest["files"][0]["custody"][0]["by"] = "someone-else"
    (bundle / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    assert "manifest.json is not the one recorded in the ledger" in failures(bundle)


def test_a_changed_ledger_line_is_named(bundle):
    lines = (bundle / "ledger.jsonl").read_text().splitlines()
    entry = json.loads(lines[1])
    entry["actor"] = "user:999"
    lines[1] = json.dumps(entry)
    (bundle / "ledger.jsonl").write_text("\n".join(lines) + "\n")
    assert f"FAILED: ledger entry {entry['seq']} was changed after it was written" in failures(bundle)


def test_a_removed_ledger_line_is_named(bundle):
    lines = (bundle / "ledger.jsonl").read_text().splitlines()
    missing = json.loads(lines[2])["seq"]
    del lines[2]
    (bundle / "ledger.jsonl").write_text("\n".join(lines) + "\n")
    assert f"FAILED: ledger entry {missing} is missing or out of order" in failures(bundle)


def test_a_forged_checkpoint_is_refused(bundle):
    checkpoint = json.loads((bundle / "checkpoint.json").read_text())
    checkpoint["at"] = "2020-01-01T00:00:00.000000+00:00"
    (bundle / "checkpoint.json").write_text(json.dumps(checkpoint))
    assert "FAILED: checkpoint.json: the signature is not valid" in failures(bundle)


def test_a_manifest_pointing_outside_the_bundle_is_refused(bundle):
    manifest = manifest_of(bundle)
    manifest["files"][0]["path"] = "../../etc/passwd"
    (bundle / "manifest.json").write_text(json.dumps(manifest))
    assert "names a file outside the bundle" in failures(bundle)


def test_a_file_changed_in_storage_before_export_is_flagged(case, tmp_path, capsys):
    """Bytes changed by someone holding the vault's keys are exported, but nobody is told "OK"."""
    incident, files = case
    files[0].file.storage.delete(files[0].file.name)
    files[0].file.storage.save(files[0].file.name, ContentFile(b"replaced on the server"))
    out = export(incident, tmp_path / "bundle")
    assert f"evidence {files[0].id} no longer matches the SHA-256 taken on arrival" in capsys.readouterr().err
    assert "does not match the SHA-256 taken when it arrived" in failures(out)


def test_a_stored_file_altered_without_the_keys_stops_the_export(case, tmp_path):
    """Encrypted storage: bytes altered on the disk no longer decrypt, and no bundle is written."""
    incident, files = case
    with open(files[0].file.path, "r+b") as handle:
        handle.seek(-5, 2)
        handle.write(b"XXXXX")
    with pytest.raises(CommandError, match="no longer decrypts"):
        export(incident, tmp_path / "bundle")
    assert not (tmp_path / "bundle").exists()


@pytest.mark.parametrize("name", ["manifest.json", "ledger.jsonl", "checkpoint.json"])
def test_a_missing_part_is_named(bundle, name):
    (bundle / name).unlink()
    assert "the bundle is incomplete or unreadable" in failures(bundle)
