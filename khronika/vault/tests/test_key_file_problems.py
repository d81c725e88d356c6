"""A missing or damaged key file: every vault command says so plainly, and nothing is changed."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from khronika.vault import keystore, state
from khronika.vault.tests.support import FAST, PASSPHRASE, pipe_with, preserved_state, short_dir


@pytest.fixture
def vault_dir(settings):
    with short_dir("kv") as path, preserved_state():
        settings.VAULT_DIR = path / "vault"
        state.seal()
        yield settings.VAULT_DIR


def test_unseal_without_a_vault_says_to_run_init(vault_dir):
    with pipe_with(PASSPHRASE) as fd, pytest.raises(CommandError) as error:
        call_command("unseal", passphrase_fd=fd)
    assert str(error.value) == "This instance has no vault yet: run `khronika vault init`."
    assert not keystore.keyring_path().exists()
    assert not state.is_unsealed()


def test_status_without_a_vault_says_to_run_init(vault_dir):
    with pytest.raises(CommandError, match="no vault yet"):
        call_command("vault", "status")


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda text: text[: len(text) // 2], "not valid JSON"),
        (lambda text: text.replace('"verifier"', '"verifyer"'), "incomplete or damaged"),
        (lambda text: "[]", "damaged"),
    ],
)
def test_a_damaged_key_file_names_the_recovery_kit(vault_dir, damage, expected):
    keystore.init_vault(PASSPHRASE, kdf_cost=FAST)
    path = keystore.keyring_path()
    path.write_text(damage(path.read_text()))
    before = path.read_bytes()
    with pipe_with(PASSPHRASE) as fd, pytest.raises(CommandError) as error:
        call_command("unseal", passphrase_fd=fd)
    assert expected in str(error.value)
    assert "recovery kit" in str(error.value)
    assert path.read_bytes() == before
    assert not state.is_unsealed()


def test_a_key_file_that_is_not_text_names_the_recovery_kit(vault_dir):
    keystore.init_vault(PASSPHRASE, kdf_cost=FAST)
    keystore.keyring_path().write_bytes(b"\xff\xfe\x00garbage")
    with pipe_with(PASSPHRASE) as fd, pytest.raises(CommandError, match="restore it from the recovery kit"):
        call_command("unseal", passphrase_fd=fd)
