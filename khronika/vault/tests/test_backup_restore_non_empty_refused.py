"""A backup is never restored over an instance that already holds data: nothing is overwritten."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from khronika.records.models import Incident
from khronika.testing.factories import IncidentFactory
from khronika.vault import state
from khronika.vault.backup import BackupRefused, create_backup, restore_backup


def test_restore_refuses_an_instance_that_holds_records(team, settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "files")
    incident: Any = IncidentFactory(compartment=team.home, narrative="Synthetic narrative, kept")
    archive = tmp_path / "backup.kbk"
    create_backup(archive, state.keys())
    incident.narrative = "Synthetic narrative, changed after the backup"
    incident.save()

    with pytest.raises(BackupRefused, match="not empty"):
        restore_backup(archive, state.keys())
    assert Incident.objects.get().narrative == "Synthetic narrative, changed after the backup"
