"""The demo instance runs the real vault, opened with a printed, demo-only passphrase."""

from __future__ import annotations

import pytest

from khronika.vault import demo, keystore, state
from khronika.vault.crypto import unlock_with_passphrase
from khronika.vault.tests.support import FAST, preserved_state, short_dir


@pytest.fixture
def demo_instance(settings, monkeypatch):
    monkeypatch.setattr(demo, "DEMO_KDF_COST", FAST)
    with short_dir("kv") as path, preserved_state():
        settings.VAULT_DIR = path / "vault"
        settings.DEMO_MODE = True
        state.seal()
        yield


def test_the_demo_vault_is_created_once_and_unsealed(demo_instance):
    assert demo.ensure_demo_vault() == demo.DEMO_PASSPHRASE
    assert state.is_unsealed()
    keyring = keystore.load_keyring()
    assert unlock_with_passphrase(keyring, demo.DEMO_PASSPHRASE).vault_id == keyring.vault_id

    state.seal()
    demo.ensure_demo_vault()  # a restarted demo opens the same vault
    assert state.keys().vault_id == keyring.vault_id
    assert keystore.load_keyring() == keyring


def test_it_refuses_outside_the_demo(demo_instance, settings):
    settings.DEMO_MODE = False
    with pytest.raises(RuntimeError):
        demo.ensure_demo_vault()
    assert not keystore.has_vault()
