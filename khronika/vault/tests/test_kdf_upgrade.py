"""Argon2 parameters live beside the salt and can be raised: the root is rewrapped, records untouched."""

from __future__ import annotations

import inspect

import pytest

from khronika.vault.crypto import (
    PRODUCTION_COST,
    KdfCost,
    KdfParams,
    WrongPassphrase,
    create_vault,
    set_passphrase,
    unlock_with_passphrase,
)
from khronika.vault.crypto.kdf import derive_passphrase_key

from .conftest import PASSPHRASE

STRONGER = KdfCost(time_cost=2, memory_kib=64, parallelism=2)


def test_the_production_default_costs_at_least_256_mib_without_running_it():
    """Threat: offline guessing on a seized keyring. Checked from the constants, not by hashing."""
    assert PRODUCTION_COST.memory_kib >= 256 * 1024
    assert PRODUCTION_COST.time_cost >= 2
    assert KdfParams.generate().cost == PRODUCTION_COST
    assert inspect.signature(create_vault).parameters["kdf_cost"].default is PRODUCTION_COST
    assert inspect.signature(set_passphrase).parameters["kdf_cost"].default is PRODUCTION_COST


def test_a_weak_keyring_asks_for_an_upgrade(vault, fast_kdf):
    assert vault.keyring.needs_kdf_upgrade(STRONGER)
    assert vault.keyring.needs_kdf_upgrade()  # the test parameters are far below production
    assert not vault.keyring.needs_kdf_upgrade(fast_kdf)


def test_upgrading_rewraps_the_root_and_still_opens(vault):
    keys = unlock_with_passphrase(vault.keyring, PASSPHRASE)
    upgraded = set_passphrase(vault.keyring, keys, PASSPHRASE, kdf_cost=STRONGER)

    old_slot, new_slot = vault.keyring.passphrase_slot, upgraded.passphrase_slot
    assert new_slot.kdf.cost == STRONGER
    assert new_slot.kdf.salt != old_slot.kdf.salt  # a fresh salt on every rewrap
    assert new_slot.wrapped_root != old_slot.wrapped_root
    assert not upgraded.needs_kdf_upgrade(STRONGER)

    reopened = unlock_with_passphrase(upgraded, PASSPHRASE)
    assert reopened.kek == vault.keys.kek  # same root: no record needs re-encrypting
    assert reopened.blind_index_key == vault.keys.blind_index_key


def test_the_upgraded_parameters_survive_the_key_file(vault):
    upgraded = set_passphrase(vault.keyring, vault.keys, PASSPHRASE, kdf_cost=STRONGER)
    reloaded = upgraded.from_json(upgraded.to_json())
    assert reloaded.passphrase_slot.kdf == upgraded.passphrase_slot.kdf
    assert unlock_with_passphrase(reloaded, PASSPHRASE).kek == vault.keys.kek


def test_changing_the_passphrase_locks_out_the_old_one(vault, fast_kdf):
    changed = set_passphrase(vault.keyring, vault.keys, "новая фраза из пяти слов", kdf_cost=fast_kdf)
    assert unlock_with_passphrase(changed, "новая фраза из пяти слов").kek == vault.keys.kek
    with pytest.raises(WrongPassphrase):
        unlock_with_passphrase(changed, PASSPHRASE)


def test_the_stored_parameters_decide_the_derivation(fast_kdf):
    """Different parameters give a different key: they must be stored, not assumed."""
    params = KdfParams.generate(fast_kdf)
    other = KdfParams(salt=params.salt, time_cost=2, memory_kib=8, parallelism=1)
    assert derive_passphrase_key(PASSPHRASE, params) != derive_passphrase_key(PASSPHRASE, other)
    assert derive_passphrase_key(PASSPHRASE, params) == derive_passphrase_key(
        PASSPHRASE, KdfParams.from_json(params.to_json())
    )


@pytest.mark.parametrize(
    "change",
    [
        {"memory_kib": 64 * 1024 * 1024},  # a tampered file must not make unseal eat all memory
        {"memory_kib": 4},  # below argon2's minimum
        {"algorithm": "scrypt"},
        {"version": 16},
        {"salt": "00"},
    ],
)
def test_it_refuses_impossible_stored_parameters(fast_kdf, change):
    data = {**KdfParams.generate(fast_kdf).to_dict(), **change}
    with pytest.raises(ValueError):
        KdfParams.from_dict(data)
