"""A backup restored into a freshly installed, empty instance gives back exactly the same data.

The proof the issue asks for: the JSON export of the original and of the restored instance are the
same line for line (only the export's own timestamp differs), stored files included. The restore runs
in real ``khronika`` subprocesses against a second SQLite file (KHRONIKA_DATA_DIR), after the
documented steps: migrate, put the recovery kit back, restore.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from khronika.records.exchange.encryption import open_with_private_key, read_header_of
from khronika.records.exchange.export import write_export
from khronika.records.exchange.importer import _lines
from khronika.testing.factories import ActFactory, EvidenceFactory, IncidentFactory
from khronika.vault import state
from khronika.vault.backup import create_backup
from khronika.vault.crypto import create_vault
from khronika.vault.tests.support import FAST, PASSPHRASE, child_env, preserved_state, run, short_dir

MARKER = "Маркер-Резервной-Копии Synthetic-Backup-Marker"


def _records_of(export: bytes) -> list[dict]:
    lines = [json.loads(line) for line in export.splitlines()]
    return [record for record in lines if record["type"] not in ("header", "footer")]


def test_a_backup_restored_into_an_empty_instance_exports_identically(team, settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "files")
    vault = create_vault(PASSPHRASE, kdf_cost=FAST)
    with preserved_state():
        state.unseal(vault.keys)
        incident = IncidentFactory(compartment=team.home, narrative=MARKER, title="Синтетический случай")
        ActFactory(incident=incident)
        EvidenceFactory(incident=incident, file__data=MARKER.encode() * 100)
        before = io.BytesIO()
        write_export(before)
        archive = tmp_path / "backup.kbk"
        summary = create_backup(archive, vault.keys)
    assert summary.files == 1
    assert MARKER.encode() not in archive.read_bytes()

    with short_dir("kb") as data_dir:
        env = child_env(data_dir, data_dir / "vault")
        kit = data_dir / "kit.json"
        kit.write_text(vault.keyring.to_json(), encoding="utf-8")
        assert run(env, "migrate", "-v0").returncode == 0
        restored_kit = run(env, "vault", "restore", str(kit))
        assert restored_kit.returncode == 0, restored_kit.stderr
        restored = run(env, "backup", "restore", str(archive), "--passphrase-fd", "{fd}", secret=PASSPHRASE)
        assert restored.returncode == 0, restored.stderr
        assert "Restored" in restored.stdout
        out = data_dir / "after.kxe"
        exported = run(env, "export", str(out), "--passphrase-fd", "{fd}", secret=PASSPHRASE)
        assert exported.returncode == 0, exported.stderr
        decryption = open_with_private_key(read_header_of(out), vault.keys.org_private_key)
        after = b"".join(line for _, line in _lines(out, decryption))

    assert _records_of(after) == _records_of(before.getvalue())
    assert any(r["type"] == "incident" and r["narrative"] == MARKER for r in _records_of(after))
    assert any(r["type"] == "evidence" for r in _records_of(after))
