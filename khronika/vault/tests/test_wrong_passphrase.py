"""A wrong passphrase is refused with WrongPassphrase, never turned into garbage keys."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pytest

from khronika.vault.crypto import WrongPassphrase, create_vault, unlock_with_passphrase

from .conftest import PASSPHRASE


def test_it_opens_with_the_right_passphrase(vault):
    keys = unlock_with_passphrase(vault.keyring, PASSPHRASE)
    assert keys.kek == vault.keys.kek
    assert keys.blind_index_key == vault.keys.blind_index_key
    assert keys.org_private_key == vault.keys.org_private_key


def test_it_rejects_a_wrong_passphrase(vault):
    with pytest.raises(WrongPassphrase, match="does not open the vault"):
        unlock_with_passphrase(vault.keyring, PASSPHRASE + " ")


def test_it_rejects_the_passphrase_of_another_vault(vault, other_vault):
    """Same passphrase, different vault: the salt and the wrapped root differ, so nothing opens."""
    hybrid = replace(vault.keyring, passphrase_slot=other_vault.keyring.passphrase_slot)
    with pytest.raises(WrongPassphrase):
        unlock_with_passphrase(hybrid, PASSPHRASE)


def test_it_opens_with_the_same_passphrase_typed_in_decomposed_unicode(vault):
    """macOS and some keyboards send "й"/"ё" as a letter plus a combining mark."""
    decomposed = unicodedata.normalize("NFD", PASSPHRASE)
    assert decomposed != PASSPHRASE
    assert unlock_with_passphrase(vault.keyring, decomposed).kek == vault.keys.kek


def test_it_refuses_an_empty_passphrase(vault):
    with pytest.raises(ValueError, match="empty"):
        unlock_with_passphrase(vault.keyring, "")


def test_a_vault_without_passphrase_says_to_use_shares(fast_kdf):
    shares_only = create_vault(None, kdf_cost=fast_kdf, threshold=2, shares=2)
    with pytest.raises(WrongPassphrase, match="trustees' shares"):
        unlock_with_passphrase(shares_only.keyring, PASSPHRASE)
