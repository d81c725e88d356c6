"""Encrypted exports: a recipient's key or a passphrase opens them; nothing readable is left in clear."""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from nacl.public import PrivateKey

from khronika.records.exchange.encryption import (
    ExportEncryption,
    ExportKeyError,
    open_with_passphrase,
    open_with_private_key,
    read_header_of,
)
from khronika.records.exchange.export import export_to_path
from khronika.records.exchange.importer import import_file
from khronika.records.models import Incident, Person
from khronika.testing.factories import ActFactory, IncidentFactory
from khronika.vault.crypto import KdfCost

CHEAP = KdfCost(time_cost=1, memory_kib=8, parallelism=1)
MARKER = "Маркер-Экспорта Synthetic-Export-Marker"


def _populate(team) -> Any:
    incident: Any = IncidentFactory(compartment=team.home, narrative=MARKER)
    act: Any = ActFactory(incident=incident)
    act.victim.given_name = "Синтетический"
    act.victim.save()
    return incident


def _clear_records() -> None:
    Incident.objects.all().delete()
    Person.objects.all().delete()


def test_it_round_trips_an_export_sealed_to_a_recipient_key(team, tmp_path: Path) -> None:
    incident = _populate(team)
    recipient = PrivateKey.generate()
    path = tmp_path / "export.kxe"
    export_to_path(path, encryption=ExportEncryption.to_recipient(bytes(recipient.public_key)))

    raw = path.read_bytes()
    assert MARKER.encode() not in raw
    assert "Маркер".encode("utf-16-le") not in raw
    with pytest.raises(gzip.BadGzipFile):
        gzip.decompress(raw)

    decryption = open_with_private_key(read_header_of(path), bytes(recipient))
    _clear_records()
    import_file(path, decryption=decryption)
    assert Incident.objects.get(pk=incident.pk).narrative == MARKER
    assert Person.objects.get(pk=incident.acts.get().victim_id).given_name == "Синтетический"


def test_it_round_trips_an_export_under_a_passphrase(team, tmp_path: Path) -> None:
    incident = _populate(team)
    path = tmp_path / "export.kxe"
    export_to_path(path, encryption=ExportEncryption.with_passphrase("синтетический пароль", CHEAP))
    assert MARKER.encode() not in path.read_bytes()

    with pytest.raises(ExportKeyError, match="passphrase does not open"):
        open_with_passphrase(read_header_of(path), "wrong passphrase")
    decryption = open_with_passphrase(read_header_of(path), "синтетический пароль")
    _clear_records()
    import_file(path, decryption=decryption)
    assert Incident.objects.get(pk=incident.pk).narrative == MARKER


def test_it_refuses_another_recipients_private_key(team, tmp_path: Path) -> None:
    _populate(team)
    path = tmp_path / "export.kxe"
    export_to_path(path, encryption=ExportEncryption.to_recipient(bytes(PrivateKey.generate().public_key)))
    with pytest.raises(ExportKeyError, match="another recipient"):
        open_with_private_key(read_header_of(path), bytes(PrivateKey.generate()))


def test_the_commands_default_to_this_organisations_own_key(team, tmp_path: Path) -> None:
    incident = _populate(team)
    path = tmp_path / "export.kxe"
    call_command("export", str(path))
    assert read_header_of(path).mode == "recipient"
    assert MARKER.encode() not in path.read_bytes()
    _clear_records()
    call_command("import", str(path))
    assert Incident.objects.get(pk=incident.pk).narrative == MARKER


def _pipe(secret: str) -> int:
    read_end, write_end = os.pipe()
    os.write(write_end, secret.encode() + b"\n")
    os.close(write_end)
    return read_end


CHEAP_ARGS = ["--argon2-memory-kib", "8", "--argon2-passes", "1", "--argon2-lanes", "1"]


def test_the_commands_use_a_passphrase_given_on_a_file_descriptor(team, tmp_path: Path) -> None:
    incident = _populate(team)
    path = tmp_path / "export.kxe"
    call_command(
        "export", str(path), "--export-passphrase-fd", str(_pipe("синтетический пароль")), *CHEAP_ARGS
    )
    assert read_header_of(path).mode == "passphrase"
    assert path.stat().st_mode & 0o777 == 0o600
    _clear_records()
    with pytest.raises(CommandError, match="passphrase does not open the export"):
        call_command("import", str(path), "--export-passphrase-fd", str(_pipe("wrong")))
    assert not Incident.objects.exists()
    call_command("import", str(path), "--export-passphrase-fd", str(_pipe("синтетический пароль")))
    assert Incident.objects.get(pk=incident.pk).narrative == MARKER


def test_the_commands_use_a_recipient_key_file_and_identity_descriptor(team, tmp_path: Path) -> None:
    incident = _populate(team)
    recipient = PrivateKey.generate()
    key_file = tmp_path / "partner.pub"
    key_file.write_text(bytes(recipient.public_key).hex(), encoding="utf-8")
    path = tmp_path / "export.kxe"
    call_command("export", str(path), "--recipient-key", str(key_file))
    _clear_records()
    with pytest.raises(CommandError, match="another recipient"):
        call_command("import", str(path))
    call_command("import", str(path), "--identity-fd", str(_pipe(bytes(recipient).hex())))
    assert Incident.objects.get(pk=incident.pk).narrative == MARKER
