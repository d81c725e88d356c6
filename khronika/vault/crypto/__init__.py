"""The vault's cryptographic core: the one place that encrypts, decrypts, wraps and derives keys.

No Django imports (a test enforces it), so it can be reviewed, reused by an unseal agent or a
recovery tool, and tested on its own. Everything else in Khronika goes through the names below;
docs/vault.md explains the hierarchy. Beside each name: who can decrypt what it produces.
"""

from __future__ import annotations

from .aead import from_text, to_text
from .blind_index import (
    Domain,
    blind_index,  # not decryptable: a keyed one-way hash; only an unsealed vault can compute a match
    handle_index,
    normalize_handle,
    normalize_person_name,
    normalize_phone,
    person_name_index,
    phone_index,
)
from .envelope import (
    decrypt_field,  # needs the record's data key, i.e. an unsealed vault (KEK) and an unshredded record
    decrypt_field_bound,  # decrypt_field with the associated data made once per row (record_ad_prefix)
    decrypt_text,
    decrypt_text_bound,  # decrypt_text with the associated data made once per row (record_ad_prefix)
    encrypt_field,  # output: only holders of the record's data key can decrypt
    encrypt_text,
    field_ad,
    new_data_key,
    record_ad_prefix,
    unwrap_data_key,  # needs the KEK: only an unsealed vault
    wrap_data_key,  # output: only holders of the KEK (an unsealed vault) can unwrap
)
from .errors import InvalidShare, TamperedCiphertext, VaultError, VaultSealed, WrongPassphrase
from .kdf import PRODUCTION_COST, KdfCost, KdfParams
from .keys import (
    Keyring,
    NewVault,
    VaultKeys,
    create_vault,  # the keyring it returns opens only with the passphrase or k trustee shares
    finish_rotation,  # forgets the previous root: backups wrapped under it open with nothing we hold
    require_unsealed,
    rotate_blind_index_key,  # a new random blind-index key, wrapped by the KEK
    rotate_root,  # a new root (KEK, shares, passphrase salt) for the same vault
    set_passphrase,  # rewraps the root: afterwards only the new passphrase opens the slot
    unlock_with_passphrase,  # whoever knows the passphrase gets every key
    unlock_with_shares,  # any k trustees together get every key; k-1 get nothing
)
from .sealed import (
    open_sealed,  # needs the organisation private key: only an unsealed vault
    seal,  # public key only (works while sealed); the sealing process itself cannot decrypt
)

__all__ = [
    "PRODUCTION_COST",
    "Domain",
    "InvalidShare",
    "KdfCost",
    "KdfParams",
    "Keyring",
    "NewVault",
    "TamperedCiphertext",
    "VaultError",
    "VaultKeys",
    "VaultSealed",
    "WrongPassphrase",
    "blind_index",
    "create_vault",
    "decrypt_field",
    "decrypt_field_bound",
    "decrypt_text",
    "decrypt_text_bound",
    "encrypt_field",
    "encrypt_text",
    "field_ad",
    "finish_rotation",
    "from_text",
    "handle_index",
    "new_data_key",
    "normalize_handle",
    "normalize_person_name",
    "normalize_phone",
    "open_sealed",
    "person_name_index",
    "phone_index",
    "record_ad_prefix",
    "require_unsealed",
    "rotate_blind_index_key",
    "rotate_root",
    "seal",
    "set_passphrase",
    "to_text",
    "unlock_with_passphrase",
    "unlock_with_shares",
    "unwrap_data_key",
    "wrap_data_key",
]
