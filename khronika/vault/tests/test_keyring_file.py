"""The key file can be written to disk and backed up: nothing in it opens data on its own."""

from __future__ import annotations

import base64
import json
import pickle

import pytest

from khronika.vault.crypto import Keyring, TamperedCiphertext, VaultError, unlock_with_passphrase

from .conftest import PASSPHRASE


def test_it_round_trips_through_json(vault):
    reloaded = Keyring.from_json(vault.keyring.to_json())
    assert reloaded == vault.keyring
    assert unlock_with_passphrase(reloaded, PASSPHRASE).kek == vault.keys.kek


def test_it_holds_no_secret_key_in_any_encoding(vault):
    text = vault.keyring.to_json()
    keys = vault.keys
    for secret in (keys.root, keys.kek, keys.blind_index_key, keys.org_private_key):
        for form in (
            secret.hex(),
            base64.b64encode(secret).decode(),
            base64.urlsafe_b64encode(secret).decode(),
        ):
            assert form.rstrip("=") not in text


@pytest.mark.parametrize("text", ["", "not json", "[]", '{"format": 99}', '{"format": 1}'])
def test_it_refuses_a_damaged_key_file_clearly(text):
    with pytest.raises(VaultError, match="key file"):
        Keyring.from_json(text)


def test_an_altered_organisation_key_is_reported_not_used(vault):
    data = json.loads(vault.keyring.to_json())
    stored = data["wrapped_org_private_key"]
    data["wrapped_org_private_key"] = stored[:-2] + ("B" if stored[-2] != "B" else "C") + stored[-1]
    with pytest.raises(TamperedCiphertext, match="restore the key file"):
        unlock_with_passphrase(Keyring.from_dict(data), PASSPHRASE)


def test_unsealed_keys_never_show_in_repr_or_pickle(vault):
    assert vault.keys.kek.hex() not in repr(vault.keys)
    assert repr(vault.keys.kek) not in repr(vault.keys)
    assert "kek" not in repr(vault.keys)
    with pytest.raises(TypeError, match="must not be pickled"):
        pickle.dumps(vault.keys)


def test_a_swapped_public_key_is_caught_at_the_next_unseal(vault, other_vault):
    """Threat: an intruder with write access replaces the public key so new submissions open for them."""
    data = json.loads(vault.keyring.to_json())
    data["org_public_key"] = other_vault.keyring.org_public_key.hex()
    with pytest.raises(TamperedCiphertext, match="public key was replaced"):
        unlock_with_passphrase(Keyring.from_dict(data), PASSPHRASE)
