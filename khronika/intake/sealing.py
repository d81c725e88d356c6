"""Who can open a submission: the unsealed organisation, or the source with their receipt phrase.

One random key per submission encrypts everything of it (answers, messages both ways, files). That key
is stored twice, and only twice:

- sealed to the organisation's public key, which needs no unseal: intake keeps working while the
  server is sealed, and the web process that received a report cannot read it back afterwards;
- encrypted with the phrase key (``receipts.derive``), which exists only while the source's request
  is being answered.

Every ciphertext names its submission, its purpose and its row in the associated data, so a message
moved to another conversation, or a file swapped with another, fails to decrypt instead of being shown
in the wrong place.
"""

from __future__ import annotations

import uuid

from khronika.vault import keystore, state
from khronika.vault.crypto import aead, new_data_key, sealed

# A fresh random key from the OS CSPRNG, like every record's data key.
new_key = new_data_key
# Binary columns come back from the database as bytes or memoryview.
Blob = bytes | memoryview


def organisation_public_key() -> bytes:
    """The key anyone may encrypt to: from memory when unsealed, else from the keyring file."""
    if state.is_unsealed():
        return sealed.public_key_of(state.keys().org_private_key)
    return keystore.load_keyring().org_public_key


def seal_for_organisation(key: bytes) -> bytes:
    """Who can decrypt: only an unsealed vault (the organisation's private key)."""
    return sealed.seal(organisation_public_key(), key)


def open_as_organisation(sealed_key: Blob) -> bytes:
    """The submission key, for staff; ``VaultSealed`` while sealed, ``TamperedCiphertext`` if shredded."""
    return sealed.open_sealed(state.keys().org_private_key, bytes(sealed_key))


def _ad(purpose: str, submission_id: uuid.UUID, *parts: str) -> bytes:
    return aead.associated_data("intake." + purpose, str(submission_id), *parts)


def wrap_for_source(phrase_key: bytes, key: bytes, submission_id: uuid.UUID) -> bytes:
    """Who can decrypt: whoever holds the receipt phrase of this submission."""
    return aead.encrypt(phrase_key, key, _ad("source-key", submission_id))


def unwrap_for_source(phrase_key: bytes, wrapped: Blob, submission_id: uuid.UUID) -> bytes:
    return aead.decrypt(phrase_key, bytes(wrapped), _ad("source-key", submission_id))


def encrypt(key: bytes, plaintext: bytes, purpose: str, submission_id: uuid.UUID, row: str = "") -> bytes:
    return aead.encrypt(key, plaintext, _ad(purpose, submission_id, row))


def decrypt(key: bytes, blob: Blob, purpose: str, submission_id: uuid.UUID, row: str = "") -> bytes:
    return aead.decrypt(key, bytes(blob), _ad(purpose, submission_id, row))
