"""A wrong passphrase, too few shares, a share of another vault: a clear message, and nothing changes.

The keyring is opened in the unsealing process itself, so a refusal happens before any key is sent to
a running process (threat: a typo or a hostile share must not put anything into a process's memory).
"""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from khronika.vault import keystore, state
from khronika.vault.crypto import create_vault
from khronika.vault.tests.support import FAST, PASSPHRASE, pipe_with, preserved_state, short_dir


@pytest.fixture
def vault(settings, monkeypatch):
    with short_dir("kv") as path, preserved_state():
        settings.VAULT_DIR = path / "vault"
        state.seal()
        created = keystore.init_vault(PASSPHRASE, shares=3, threshold=2, kdf_cost=FAST)
        sent = []
        monkeypatch.setattr(
            "khronika.vault.management.commands.unseal.unseal_all", lambda keys: sent.append(keys) or []
        )
        yield created, sent


def _unchanged(created, sent, before):
    assert keystore.keyring_path().read_bytes() == before
    assert sent == []
    assert not state.is_unsealed()


def test_it_rejects_a_wrong_passphrase_and_changes_nothing(vault):
    created, sent = vault
    before = keystore.keyring_path().read_bytes()
    with pipe_with("синий-кит пьёт 8 чашек чая\n") as fd, pytest.raises(CommandError) as error:
        call_command("unseal", passphrase_fd=fd)
    assert "This passphrase does not open the vault" in str(error.value)
    assert "Nothing was changed" in str(error.value)
    _unchanged(created, sent, before)


def test_it_rejects_too_few_shares_and_changes_nothing(vault):
    created, sent = vault
    before = keystore.keyring_path().read_bytes()
    with pipe_with(created.shares[0] + "\n") as fd, pytest.raises(CommandError) as error:
        call_command("unseal", shares_fd=fd)
    assert "2" in str(error.value) and "share" in str(error.value).lower()
    _unchanged(created, sent, before)


def test_it_rejects_a_share_of_another_vault_and_changes_nothing(vault):
    created, sent = vault
    before = keystore.keyring_path().read_bytes()
    foreign = create_vault(None, kdf_cost=FAST, threshold=2, shares=3).shares[1]
    with pipe_with(f"{created.shares[0]}\n{foreign}\n") as fd, pytest.raises(CommandError) as error:
        call_command("unseal", shares_fd=fd)
    assert "different vaults" in str(error.value)
    _unchanged(created, sent, before)


def test_it_rejects_shares_that_all_belong_to_another_vault(vault):
    created, sent = vault
    before = keystore.keyring_path().read_bytes()
    foreign = create_vault(None, kdf_cost=FAST, threshold=2, shares=3).shares
    with pipe_with("\n".join(foreign[:2]) + "\n") as fd, pytest.raises(CommandError) as error:
        call_command("unseal", shares_fd=fd)
    assert "another" in str(error.value)
    _unchanged(created, sent, before)


def test_the_right_passphrase_sends_the_keys(vault, db):
    created, sent = vault
    with pipe_with(PASSPHRASE + "\n") as fd:
        call_command("unseal", passphrase_fd=fd)
    assert [keys.vault_id for keys in sent] == [created.keyring.vault_id]
