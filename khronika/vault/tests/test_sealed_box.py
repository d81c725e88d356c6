"""Anonymous material is sealed with the public key alone and opens only with the unwrapped private key."""

from __future__ import annotations

import pytest

from khronika.vault.crypto import (
    Keyring,
    TamperedCiphertext,
    open_sealed,
    seal,
    unlock_with_passphrase,
)

from .conftest import PASSPHRASE

SUBMISSION = "Меня задержали 3 марта, телефон забрали.".encode()


def test_a_sealed_server_can_seal_and_only_the_unsealed_vault_opens(vault):
    # While sealed, the instance has only the key file on disk: its public key is in clear.
    on_disk = Keyring.from_json(vault.keyring.to_json())
    blob = seal(on_disk.org_public_key, SUBMISSION)
    assert SUBMISSION not in blob

    keys = unlock_with_passphrase(on_disk, PASSPHRASE)  # the private key is unwrapped here
    assert open_sealed(keys.org_private_key, blob) == SUBMISSION


def test_the_private_key_is_stored_only_wrapped(vault):
    text = vault.keyring.to_json()
    private = vault.keys.org_private_key
    assert private.hex() not in text
    assert private not in vault.keyring.wrapped_org_private_key


def test_another_organisation_key_cannot_open_it(vault, other_vault):
    blob = seal(vault.keyring.org_public_key, SUBMISSION)
    with pytest.raises(TamperedCiphertext, match="sealed to another key"):
        open_sealed(other_vault.keys.org_private_key, blob)


def test_the_vault_symmetric_keys_cannot_open_it(vault):
    blob = seal(vault.keyring.org_public_key, SUBMISSION)
    for wrong in (vault.keys.kek, vault.keys.root, vault.keys.blind_index_key):
        with pytest.raises(TamperedCiphertext):
            open_sealed(wrong, blob)


def test_it_refuses_a_damaged_submission(vault):
    blob = bytearray(seal(vault.keyring.org_public_key, SUBMISSION))
    blob[40] ^= 0x01
    with pytest.raises(TamperedCiphertext):
        open_sealed(vault.keys.org_private_key, bytes(blob))
    with pytest.raises(TamperedCiphertext, match="unknown format"):
        open_sealed(vault.keys.org_private_key, b"\x02" + bytes(blob[1:]))
