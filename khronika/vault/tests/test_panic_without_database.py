"""A panic seals even when the ledger cannot be written: nothing may stand between a raid and a seal."""

from __future__ import annotations

from django.db import DatabaseError

from khronika.vault import panic as panic_module
from khronika.vault import state
from khronika.vault.crypto import create_vault
from khronika.vault.tests.support import FAST, preserved_state


def test_a_failing_ledger_does_not_stop_the_seal(monkeypatch, settings, tmp_path):
    settings.VAULT_DIR = tmp_path / "vault"

    def broken(*args, **kwargs):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(panic_module, "record_events", broken)
    monkeypatch.setattr(panic_module, "seal_all", list)
    with preserved_state():
        state.unseal(create_vault("a synthetic passphrase", kdf_cost=FAST).keys)
        panic_module.panic(None)
        assert not state.is_unsealed()
