"""``vault passphrase``: a new passphrase (or a stronger Argon2 cost) replaces the old slot."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from khronika.vault import keystore
from khronika.vault.crypto import WrongPassphrase, unlock_with_passphrase
from khronika.vault.tests.support import FAST, PASSPHRASE, pipe_with, preserved_state, short_dir

NEW = "жёлтый трамвай едет в 9 утра"  # synthetic


@pytest.fixture
def keyring(settings, db):
    with short_dir("kv") as path, preserved_state():
        settings.VAULT_DIR = path / "vault"
        yield keystore.init_vault(PASSPHRASE, kdf_cost=FAST).keyring


def test_after_a_change_only_the_new_passphrase_opens_the_vault(keyring):
    with pipe_with(f"{PASSPHRASE}\n{NEW}\n") as fd:
        call_command(
            "vault", "passphrase", "--argon2-memory-kib", "16", "--argon2-passes", "1",
            "--argon2-lanes", "1", passphrase_fd=fd, stdout=io.StringIO(),
        )  # fmt: skip
    stored = keystore.load_keyring()
    assert stored.vault_id == keyring.vault_id
    assert stored.passphrase_slot.kdf.memory_kib == 16
    assert unlock_with_passphrase(stored, NEW).vault_id == keyring.vault_id
    with pytest.raises(WrongPassphrase):
        unlock_with_passphrase(stored, PASSPHRASE)


def test_a_wrong_current_passphrase_changes_nothing(keyring):
    before = keystore.keyring_path().read_bytes()
    with pipe_with(f"not the passphrase at all\n{NEW}\n") as fd, pytest.raises(CommandError):
        call_command("vault", "passphrase", "--argon2-memory-kib", "8", "--argon2-passes", "1",
                     "--argon2-lanes", "1", passphrase_fd=fd)  # fmt: skip
    assert keystore.keyring_path().read_bytes() == before


def test_status_says_when_the_argon2_cost_should_be_raised(keyring):
    out = io.StringIO()
    call_command("vault", "status", stdout=out)
    assert "weaker than recommended" in out.getvalue()
    assert keyring.vault_id.hex() in out.getvalue()
