"""A tampered, truncated or extended encrypted export is refused with a clear message; nothing is imported."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from khronika.records.exchange.encryption import ExportEncryption
from khronika.records.exchange.export import export_to_path
from khronika.records.models import Evidence, Incident, Person
from khronika.testing.factories import ActFactory, EvidenceFactory, IncidentFactory


@pytest.fixture
def export(team, settings, tmp_path: Path) -> Path:
    """An export of several stream chunks (an incompressible evidence file), then an empty instance."""
    settings.MEDIA_ROOT = str(tmp_path / "files")
    incident = IncidentFactory(compartment=team.home)
    ActFactory(incident=incident)
    content = os.urandom(200_000)
    EvidenceFactory(incident=incident, file__data=content, sha256=hashlib.sha256(content).hexdigest())
    path = tmp_path / "export.kxe"
    export_to_path(path, encryption=ExportEncryption.to_recipient(_own_key()))
    Incident.objects.all().delete()
    Person.objects.all().delete()
    return path


def _own_key() -> bytes:
    from khronika.records.exchange.encryption import own_public_key

    return own_public_key()


def _damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "flipped-late":
        data[-3000] ^= 0x40
    elif how == "flipped-early":
        data[200] ^= 0x40
    elif how == "truncated":
        data = data[: len(data) // 2]
    else:
        data += b"\x00appended"
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["flipped-late", "flipped-early", "truncated", "appended"])
def test_it_refuses_a_damaged_encrypted_export_and_imports_nothing(export: Path, how: str, capsys) -> None:
    _damage(export, how)
    with pytest.raises(CommandError, match="Nothing was imported") as refused:
        call_command("import", str(export))
    said = str(refused.value) + capsys.readouterr().err
    assert "damaged" in said
    assert "Traceback" not in said
    assert not Incident.objects.exists()
    assert not Person.objects.exists()
    assert not Evidence.objects.exists()


def test_the_intact_export_imports(export: Path) -> None:
    call_command("import", str(export))
    assert Incident.objects.count() == 1
    assert Evidence.objects.count() == 1
