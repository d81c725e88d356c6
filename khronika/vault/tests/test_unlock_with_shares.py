"""Trustees' shares open the same vault as the passphrase; shares of another vault are named as such."""

from __future__ import annotations

import pytest

from khronika.vault.crypto import InvalidShare, create_vault, unlock_with_passphrase, unlock_with_shares

from .conftest import PASSPHRASE


def test_any_two_of_three_shares_give_the_passphrase_keys(vault):
    by_passphrase = unlock_with_passphrase(vault.keyring, PASSPHRASE)
    for pair in ([0, 1], [1, 2], [2, 0]):
        keys = unlock_with_shares(vault.keyring, [vault.shares[i] for i in pair])
        assert keys.kek == by_passphrase.kek
        assert keys.org_private_key == by_passphrase.org_private_key


def test_the_keyring_records_the_split_but_not_the_shares(vault):
    assert vault.keyring.share_set.threshold == 2
    assert vault.keyring.share_set.shares == 3
    text = vault.keyring.to_json()
    for share in vault.shares:
        assert share.split("-")[4] not in text


def test_it_refuses_shares_of_another_vault(vault, other_vault):
    with pytest.raises(InvalidShare, match="belongs to another vault"):
        unlock_with_shares(vault.keyring, other_vault.shares[:2])


def test_it_refuses_too_few_shares(vault):
    with pytest.raises(InvalidShare, match="2 are needed"):
        unlock_with_shares(vault.keyring, vault.shares[:1])


def test_a_vault_without_shares_says_to_use_the_passphrase(fast_kdf, vault):
    passphrase_only = create_vault(PASSPHRASE, kdf_cost=fast_kdf)
    assert passphrase_only.shares == []
    with pytest.raises(InvalidShare, match="unseal it with the passphrase"):
        unlock_with_shares(passphrase_only.keyring, vault.shares)
