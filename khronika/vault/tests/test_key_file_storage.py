"""The key file: private to the service user, written atomically, never silently replaced."""

from __future__ import annotations

import stat

import pytest
from django.core.management import CommandError, call_command

from khronika.vault import keystore
from khronika.vault.crypto import Keyring
from khronika.vault.tests.support import FAST_ARGS, PASSPHRASE, pipe_with, preserved_state, short_dir


@pytest.fixture
def vault_dir(settings, db):
    with short_dir("kv") as path, preserved_state():
        settings.VAULT_DIR = path / "vault"
        yield settings.VAULT_DIR


def _init(**options):
    with pipe_with(PASSPHRASE + "\n") as fd:
        call_command("vault", "init", *FAST_ARGS, passphrase_fd=fd, **options)


def test_init_writes_a_private_key_file_in_a_private_folder(vault_dir):
    _init()
    path = keystore.keyring_path()
    assert stat.S_IMODE(vault_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Keyring.from_json(path.read_text()).passphrase_slot is not None
    assert sorted(p.name for p in vault_dir.iterdir()) == ["keyring.json"]  # no temporary file left


def test_the_passphrase_is_not_in_the_key_file(vault_dir):
    _init()
    text = keystore.keyring_path().read_bytes()
    assert PASSPHRASE.encode() not in text


def test_init_refuses_to_replace_an_existing_vault(vault_dir):
    _init()
    before = keystore.keyring_path().read_bytes()
    with pytest.raises(CommandError, match="already has a vault"):
        _init()
    assert keystore.keyring_path().read_bytes() == before


def test_init_refuses_a_short_passphrase(vault_dir):
    with pipe_with("short\n") as fd, pytest.raises(CommandError, match="too short"):
        call_command("vault", "init", *FAST_ARGS, passphrase_fd=fd)
    assert not keystore.keyring_path().exists()


def test_init_writes_the_recovery_kit_when_asked(vault_dir, tmp_path):
    kit = tmp_path / "kit.json"
    _init(recovery_kit=kit)
    assert kit.read_text() == keystore.keyring_path().read_text()
    assert stat.S_IMODE(kit.stat().st_mode) == 0o600
