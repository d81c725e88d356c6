"""`khronika backup` carries anonymous reports and their files (still encrypted), and `check` warns
when the reports' files are kept where backups do not look."""

from __future__ import annotations

import pytest

from khronika.intake import services
from khronika.intake.checks import intake_files_are_backed_up
from khronika.intake.sanitize import CleanFile
from khronika.vault import state
from khronika.vault.backup import create_backup, verify_backup


@pytest.mark.django_db
def test_a_backup_holds_the_report_row_and_its_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.INTAKE_FILE_DIR = settings.MEDIA_ROOT / "intake"
    upload = services.Upload(CleanFile(b"synthetic backup marker", "text/plain", ".txt", ()), "note.txt")
    services.submit({"what_happened": "synthetic backup marker"}, [upload], language="en", urgent=False)
    archive = tmp_path / "backup.kbk"
    summary = create_backup(archive, state.keys())
    assert summary.tables["intake_submission"] == 1
    assert summary.tables["intake_attachment"] == 1
    assert summary.files == 1
    assert b"synthetic backup marker" not in archive.read_bytes()
    assert verify_backup(archive, state.keys()).files == 1


def test_check_warns_when_report_files_are_outside_the_file_store(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.INTAKE_FILE_DIR = tmp_path / "elsewhere"
    assert [m.id for m in intake_files_are_backed_up(None)] == ["khronika.W020"]
    settings.INTAKE_FILE_DIR = tmp_path / "files" / "intake"
    assert intake_files_are_backed_up(None) == []
