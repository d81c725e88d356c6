"""``khronika backup create`` and ``verify`` from the command line, with plain messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import IncidentFactory


def test_create_then_verify_reports_what_the_archive_holds(team, settings, tmp_path: Path, capsys) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "files")
    IncidentFactory(compartment=team.home)
    archive = tmp_path / "backup.kbk"
    call_command("backup", "create", str(archive))
    assert archive.stat().st_mode & 0o777 == 0o600
    call_command("backup", "verify", str(archive))
    assert "complete and authentic" in capsys.readouterr().out
    actions = set(LedgerEntry.objects.values_list("action", flat=True))
    assert {"backup_create", "backup_verify"} <= actions


def test_verify_of_a_file_that_is_not_a_backup_says_so(tmp_path: Path, db) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("synthetic notes", encoding="utf-8")
    with pytest.raises(CommandError, match="not a Khronika backup archive"):
        call_command("backup", "verify", str(bogus))
