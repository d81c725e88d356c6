"""A tampered, cut or extended backup archive is refused with a clear message, and nothing is restored."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from khronika.testing.factories import EvidenceFactory, IncidentFactory
from khronika.vault import state
from khronika.vault.backup import BackupRefused, create_backup, verify_backup
from khronika.vault.crypto import create_vault
from khronika.vault.tests.support import FAST, PASSPHRASE, child_env, preserved_state, run, short_dir


@pytest.fixture
def archive(team, settings, tmp_path: Path):
    """A backup bigger than several stream chunks, so damage can be placed after the first one."""
    settings.MEDIA_ROOT = str(tmp_path / "files")
    vault = create_vault(PASSPHRASE, kdf_cost=FAST)
    with preserved_state():
        state.unseal(vault.keys)
        EvidenceFactory(incident=IncidentFactory(compartment=team.home), file__data=os.urandom(300_000))
        path = tmp_path / "backup.kbk"
        create_backup(path, vault.keys)
    return vault, path


def _damaged(path: Path, how: str) -> Path:
    data = bytearray(path.read_bytes())
    if how == "flipped":
        data[len(data) - 5000] ^= 0x01
    elif how == "truncated":
        data = data[: len(data) - 70_000]
    else:
        data += b"appended"
    damaged = path.with_name(f"{how}.kbk")
    damaged.write_bytes(bytes(data))
    return damaged


@pytest.mark.parametrize("how", ["flipped", "truncated", "appended"])
def test_verify_refuses_a_damaged_archive(archive, how: str) -> None:
    vault, path = archive
    assert verify_backup(path, vault.keys).files == 1
    with pytest.raises(BackupRefused, match="damaged, cut short or was altered"):
        verify_backup(_damaged(path, how), vault.keys)


def test_verify_refuses_an_archive_of_another_vault(archive) -> None:
    _, path = archive
    other = create_vault(PASSPHRASE, kdf_cost=FAST)
    with pytest.raises(BackupRefused, match="belongs to another vault"):
        verify_backup(path, other.keys)


def _counts(database: Path) -> tuple[int, ...]:
    with sqlite3.connect(database) as db:
        return tuple(
            db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608  # fixed names
            for table in ("records_incident", "accounts_user", "ledger_ledgerentry")
        )


def test_restore_refuses_a_tampered_archive_and_restores_nothing(archive) -> None:
    vault, path = archive
    with short_dir("kt") as data_dir:
        env = child_env(data_dir, data_dir / "vault")
        kit = data_dir / "kit.json"
        kit.write_text(vault.keyring.to_json(), encoding="utf-8")
        assert run(env, "migrate", "-v0").returncode == 0
        assert run(env, "vault", "restore", str(kit)).returncode == 0
        for how in ("flipped", "truncated"):
            refused = run(
                env,
                "backup",
                "restore",
                str(_damaged(path, how)),
                "--passphrase-fd",
                "{fd}",
                secret=PASSPHRASE,
            )
            assert refused.returncode != 0
            assert "damaged, cut short or was altered" in refused.stderr
            assert "Nothing was restored" in refused.stderr
            assert "Traceback" not in refused.stderr
            assert _counts(data_dir / "khronika.sqlite3") == (0, 0, 0)
            files = data_dir / "files"
            assert not files.exists() or not any(p.is_file() for p in files.rglob("*"))
        # The intact archive still restores into the same, untouched instance.
        restored = run(env, "backup", "restore", str(path), "--passphrase-fd", "{fd}", secret=PASSPHRASE)
        assert restored.returncode == 0, restored.stderr
        assert _counts(data_dir / "khronika.sqlite3")[0] == 1
