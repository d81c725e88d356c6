"""Keys that arrive over the control socket must open this instance's keyring, or change nothing.

Threat: a process of another Khronika instance under the same account (or a stale one from before a
rotation) unsealing us with keys of another vault: records written with them would be unreadable to
this instance later, and search and blind indexes would silently miss.
"""

from __future__ import annotations

import pytest

from khronika.vault import control, keystore, state
from khronika.vault.crypto import create_vault
from khronika.vault.crypto.keys import belongs_to
from khronika.vault.tests.support import FAST, preserved_state, short_dir


@pytest.fixture
def own_vault(settings):
    with short_dir("kc") as path, preserved_state():
        settings.VAULT_DIR = path / "vault"
        vault = create_vault("a synthetic passphrase", kdf_cost=FAST)
        keystore.save_keyring(vault.keyring)
        state.seal()
        yield vault


def test_keys_belong_only_to_their_own_keyring(own_vault):
    other = create_vault("another synthetic passphrase", kdf_cost=FAST)
    assert belongs_to(own_vault.keys, own_vault.keyring)
    assert not belongs_to(other.keys, own_vault.keyring)


def test_an_unseal_message_with_another_vaults_keys_is_refused(own_vault):
    other = create_vault("another synthetic passphrase", kdf_cost=FAST)
    reply = control.handle(
        {"protocol": control.PROTOCOL, "op": "unseal", "keys": control.keys_to_wire(other.keys)}
    )
    assert reply["ok"] is False and "do not belong" in reply["error"]
    assert not state.is_unsealed()


def test_an_unseal_message_with_our_keys_unseals(own_vault):
    reply = control.handle(
        {"protocol": control.PROTOCOL, "op": "unseal", "keys": control.keys_to_wire(own_vault.keys)}
    )
    assert reply["ok"] and state.is_unsealed()
