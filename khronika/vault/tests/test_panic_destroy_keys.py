"""``panic --destroy-keys`` deletes the key file; only the offline recovery kit brings the vault back."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from khronika.ledger.models import LedgerEntry
from khronika.vault import keystore
from khronika.vault.tests.support import FAST, PASSPHRASE, pipe_with, preserved_state, short_dir


@pytest.fixture
def vault(settings, db, tmp_path):
    with short_dir("kv") as path, preserved_state():
        settings.VAULT_DIR = path / "vault"
        created = keystore.init_vault(PASSPHRASE, kdf_cost=FAST)
        kit = tmp_path / "recovery-kit.json"
        call_command("vault", "recovery-kit", str(kit), stdout=io.StringIO())
        yield created, kit


def test_destroyed_keys_refuse_unseal_until_the_recovery_kit_is_restored(vault):
    created, kit = vault
    out = io.StringIO()
    call_command("panic", destroy_keys=True, stdout=out)
    assert "overwritten and deleted" in out.getvalue()
    assert not keystore.keyring_path().exists()
    assert LedgerEntry.objects.filter(
        action="panic_destroy_keys", object_id=created.keyring.vault_id.hex()
    ).exists()

    with pipe_with(PASSPHRASE) as fd, pytest.raises(CommandError) as error:
        call_command("unseal", passphrase_fd=fd)
    assert str(error.value) == "This instance has no vault yet: run `khronika vault init`."

    call_command("vault", "restore", str(kit), stdout=io.StringIO())
    out = io.StringIO()
    with pipe_with(PASSPHRASE) as fd:
        call_command("unseal", passphrase_fd=fd, stdout=out)
    assert "The vault opens with this" in out.getvalue()
    assert keystore.load_keyring() == created.keyring


def test_restore_refuses_to_overwrite_a_key_file(vault):
    _created, kit = vault
    before = keystore.keyring_path().read_bytes()
    with pytest.raises(CommandError, match="still has a key file"):
        call_command("vault", "restore", str(kit))
    assert keystore.keyring_path().read_bytes() == before


def test_the_recovery_kit_refuses_to_overwrite_a_file(vault):
    _created, kit = vault
    with pytest.raises(CommandError, match="already exists"):
        call_command("vault", "recovery-kit", str(kit))
