"""The key hierarchy, and the keyring: the only key material stored, all of it wrapped.

::

    operator passphrase ──Argon2id──► passphrase key ─┐ wraps
    trustees' k-of-n shares ──────────────────────────┴──► root secret (32 random bytes)
                                                             │ HKDF-SHA256, one label each
                        ┌────────────────────────────────────┼──────────────────────┐
                        ▼                                    ▼                      ▼
              key-encryption key (KEK)            blind-index key          keyring verifier
               wraps: per-record data keys,       (HMAC of normalized      (tells a wrong root
               the organisation X25519             values, blind_index)     from a right one)
               private key

The root is random rather than the Argon2 output itself so that the passphrase and the trustees'
shares open the same vault, and so that a new passphrase or stronger Argon2 parameters rewrap one
32-byte value instead of every record. Threat answered: a seized disk holds only this keyring
(wrapped root, wrapped private key, public values); without the passphrase or k shares it opens
nothing. Re-splitting does not revoke old shares (they still rebuild the same root): revoking a
trustee means rotating the root (``rotate_root``, below, and ``khronika vault rotate --kek``).

Rotation (docs/security.md): a new root gives a new KEK and verifier for the *same* vault id and
organisation key pair. The blind-index key is then kept wrapped by the KEK in the keyring instead of
derived from the root, so a root rotation does not force a reindex, and a blind-index rotation
(``rotate_blind_index_key``) does not need the passphrase. While a root rotation is in progress the
keyring also holds the previous root, wrapped by the new KEK, so that a crash halfway leaves every row
readable (some under the old KEK, some under the new); ``finish_rotation`` drops it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from . import aead, sealed, shamir
from .errors import InvalidShare, TamperedCiphertext, VaultError, VaultSealed, WrongPassphrase
from .kdf import PRODUCTION_COST, KdfCost, KdfParams, derive_passphrase_key

FORMAT = 1
ROOT_BYTES = 32
VAULT_ID_BYTES = 16


def _subkey(root: bytes, vault_id: bytes, label: str) -> bytes:
    """Independent 32-byte keys from the root: distinct HKDF labels make them unrelated, so leaking
    the blind-index key (which lookups use constantly) says nothing about the KEK."""
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=vault_id, info=f"khronika/vault/v1/{label}".encode()
    )
    return hkdf.derive(root)


@dataclass(frozen=True)
class VaultKeys:
    """Unsealed key material. In memory only; never pickled, logged or written (repr hides it).

    Python cannot reliably wipe ``bytes``; keeping these in one long-lived, mlocked agent process
    (the unseal agent, future work) is what limits their exposure to memory and swap.
    """

    vault_id: bytes
    root: bytes = field(repr=False)
    kek: bytes = field(repr=False)
    blind_index_key: bytes = field(repr=False)
    org_private_key: bytes = field(repr=False)
    # The keys being rotated away, only while a rotation is in progress: rows not yet rewrapped are
    # still opened with ``previous.kek`` (khronika.vault.fields.data_key), then rewrapped.
    previous: VaultKeys | None = field(default=None, repr=False)

    def __reduce__(self) -> Any:  # threat: keys reaching disk through a pickled cache or session
        raise TypeError("Vault keys must not be pickled.")


def _verifier(root: bytes, vault_id: bytes) -> bytes:
    return hmac.new(
        _subkey(root, vault_id, "verifier"), b"keyring verifier" + vault_id, hashlib.sha256
    ).digest()


def _keys_from_root(
    root: bytes, vault_id: bytes, org_private_key: bytes, blind_index_key: bytes | None = None
) -> VaultKeys:
    return VaultKeys(
        vault_id=vault_id,
        root=root,
        kek=_subkey(root, vault_id, "key-encryption-key"),
        blind_index_key=(
            blind_index_key if blind_index_key is not None else _subkey(root, vault_id, "blind-index-key")
        ),
        org_private_key=org_private_key,
    )


@dataclass(frozen=True)
class PassphraseSlot:
    """The root wrapped under the Argon2id passphrase key, with the parameters to derive it again."""

    kdf: KdfParams
    wrapped_root: bytes


@dataclass(frozen=True)
class ShareSet:
    """Which split of the root the trustees hold (the shares themselves are never stored)."""

    set_id: bytes
    threshold: int
    shares: int


@dataclass(frozen=True)
class Keyring:
    """Everything the vault stores about keys. Safe to write to disk and back up: nothing in it opens
    data without the passphrase or k trustee shares."""

    vault_id: bytes
    verifier: bytes
    org_public_key: bytes
    wrapped_org_private_key: bytes
    passphrase_slot: PassphraseSlot | None = None
    share_set: ShareSet | None = None
    # Set by the first rotation: the blind-index key, wrapped by the KEK (before: derived from the root).
    wrapped_blind_index_key: bytes | None = None
    # Only while a root rotation is in progress: the previous root, wrapped by the new KEK.
    wrapped_previous_root: bytes | None = None

    @property
    def rotation_in_progress(self) -> bool:
        return self.wrapped_previous_root is not None

    def needs_kdf_upgrade(self, target: KdfCost = PRODUCTION_COST) -> bool:
        return self.passphrase_slot is not None and self.passphrase_slot.kdf.needs_upgrade(target)

    def to_dict(self) -> dict[str, Any]:
        slot = self.passphrase_slot
        shares = self.share_set
        optional = {
            name: aead.to_text(value)
            for name, value in (
                ("wrapped_blind_index_key", self.wrapped_blind_index_key),
                ("wrapped_previous_root", self.wrapped_previous_root),
            )
            if value is not None
        }
        return {
            **optional,
            "format": FORMAT,
            "vault_id": self.vault_id.hex(),
            "verifier": self.verifier.hex(),
            "org_public_key": self.org_public_key.hex(),
            "wrapped_org_private_key": aead.to_text(self.wrapped_org_private_key),
            "passphrase_slot": (
                None
                if slot is None
                else {"kdf": slot.kdf.to_dict(), "wrapped_root": aead.to_text(slot.wrapped_root)}
            ),
            "share_set": (
                None
                if shares is None
                else {"set_id": shares.set_id.hex(), "threshold": shares.threshold, "shares": shares.shares}
            ),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Keyring:
        if data.get("format") != FORMAT:
            raise VaultError(f"The key file has format {data.get('format')!r}; this Khronika reads {FORMAT}.")
        try:
            slot = data["passphrase_slot"]
            shares = data["share_set"]
            return cls(
                vault_id=bytes.fromhex(data["vault_id"]),
                verifier=bytes.fromhex(data["verifier"]),
                org_public_key=bytes.fromhex(data["org_public_key"]),
                wrapped_org_private_key=aead.from_text(data["wrapped_org_private_key"]),
                passphrase_slot=(
                    None
                    if slot is None
                    else PassphraseSlot(
                        KdfParams.from_dict(slot["kdf"]), aead.from_text(slot["wrapped_root"])
                    )
                ),
                share_set=(
                    None
                    if shares is None
                    else ShareSet(
                        bytes.fromhex(shares["set_id"]), int(shares["threshold"]), int(shares["shares"])
                    )
                ),
                wrapped_blind_index_key=_optional_blob(data.get("wrapped_blind_index_key")),
                wrapped_previous_root=_optional_blob(data.get("wrapped_previous_root")),
            )
        except (KeyError, TypeError, ValueError, TamperedCiphertext) as exc:
            raise VaultError(
                "The key file is incomplete or damaged; restore it from the recovery kit."
            ) from exc

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Keyring:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise VaultError("The key file is not valid JSON; restore it from the recovery kit.") from exc
        if not isinstance(data, dict):
            raise VaultError("The key file is damaged; restore it from the recovery kit.")
        return cls.from_dict(data)


def _optional_blob(value: Any) -> bytes | None:
    return None if value is None else aead.from_text(value)


@dataclass(frozen=True)
class NewVault:
    """What ``create_vault`` hands back: store the keyring, give each share to one trustee, keep the
    keys in memory (the vault starts unsealed)."""

    keyring: Keyring
    keys: VaultKeys
    shares: list[str] = field(repr=False)


def _wrap_root(keys: VaultKeys, passphrase: str, cost: KdfCost) -> PassphraseSlot:
    params = KdfParams.generate(cost)
    wrapping_key = derive_passphrase_key(passphrase, params)
    ad = aead.associated_data("root/passphrase", keys.vault_id.hex())
    return PassphraseSlot(params, aead.encrypt(wrapping_key, keys.root, ad))


def create_vault(
    passphrase: str | None,
    *,
    kdf_cost: KdfCost = PRODUCTION_COST,
    threshold: int | None = None,
    shares: int | None = None,
) -> NewVault:
    """A new vault: random root, organisation key pair, and a passphrase slot and/or trustee shares.

    Who can decrypt afterwards: whoever has the passphrase, or any ``threshold`` of the ``shares``.
    """
    if passphrase is None and shares is None:
        raise ValueError("A vault needs a passphrase, trustee shares, or both.")
    if (threshold is None) != (shares is None):
        raise ValueError("Give both the number of shares and the threshold, or neither.")
    vault_id = secrets.token_bytes(VAULT_ID_BYTES)
    root = secrets.token_bytes(ROOT_BYTES)
    public, private = sealed.generate_keypair()
    keys = _keys_from_root(root, vault_id, private)
    keyring = Keyring(
        vault_id=vault_id,
        verifier=_verifier(root, vault_id),
        org_public_key=public,
        wrapped_org_private_key=aead.encrypt(keys.kek, private, _org_key_ad(vault_id)),
    )
    printed: list[str] = []
    if threshold is not None and shares is not None:
        set_id = secrets.token_bytes(shamir.SET_ID_BYTES)
        printed = shamir.split(root, threshold=threshold, shares=shares, set_id=set_id)
        keyring = replace(keyring, share_set=ShareSet(set_id, threshold, shares))
    if passphrase is not None:
        keyring = replace(keyring, passphrase_slot=_wrap_root(keys, passphrase, kdf_cost))
    return NewVault(keyring=keyring, keys=keys, shares=printed)


def _org_key_ad(vault_id: bytes) -> bytes:
    return aead.associated_data("org-private-key", vault_id.hex())


def belongs_to(keys: VaultKeys, keyring: Keyring) -> bool:
    """Whether ``keys`` are this keyring's (or its predecessor's, during a rotation): checked when keys
    arrive from another process, so a process never unseals with keys of some other vault."""
    candidates = [keys, *([keys.previous] if keys.previous else [])]
    return any(
        candidate.vault_id == keyring.vault_id
        and hmac.compare_digest(_verifier(candidate.root, keyring.vault_id), keyring.verifier)
        for candidate in candidates
    )


def _open(keyring: Keyring, root: bytes, wrong: VaultError) -> VaultKeys:
    if not hmac.compare_digest(_verifier(root, keyring.vault_id), keyring.verifier):
        raise wrong
    kek = _subkey(root, keyring.vault_id, "key-encryption-key")
    try:
        private = aead.decrypt(kek, keyring.wrapped_org_private_key, _org_key_ad(keyring.vault_id))
    except TamperedCiphertext as exc:
        raise TamperedCiphertext(
            "The key file's organisation key is damaged or was altered; restore the key file from the "
            "recovery kit."
        ) from exc
    if not hmac.compare_digest(sealed.public_key_of(private), keyring.org_public_key):
        # Threat: someone with write access to the key file swaps in their own public key, so that
        # anonymous submissions sealed from then on open for them. Caught at the next unseal.
        raise TamperedCiphertext(
            "The key file's public key was replaced: submissions sealed since then may be readable by "
            "someone else. Restore the key file from the recovery kit and report this incident."
        )
    try:
        blind_index_key = (
            None
            if keyring.wrapped_blind_index_key is None
            else aead.decrypt(kek, keyring.wrapped_blind_index_key, _blind_index_ad(keyring.vault_id))
        )
        previous_root = (
            None
            if keyring.wrapped_previous_root is None
            else aead.decrypt(kek, keyring.wrapped_previous_root, _previous_root_ad(keyring.vault_id))
        )
    except TamperedCiphertext as exc:
        raise TamperedCiphertext(
            "The key file is damaged or was altered; restore the key file from the recovery kit."
        ) from exc
    keys = _keys_from_root(root, keyring.vault_id, private, blind_index_key)
    if previous_root is not None:
        keys = replace(
            keys, previous=_keys_from_root(previous_root, keyring.vault_id, private, keys.blind_index_key)
        )
    return keys


def _blind_index_ad(vault_id: bytes) -> bytes:
    return aead.associated_data("blind-index-key", vault_id.hex())


def _previous_root_ad(vault_id: bytes) -> bytes:
    return aead.associated_data("previous-root", vault_id.hex())


def unlock_with_passphrase(keyring: Keyring, passphrase: str) -> VaultKeys:
    """The vault's keys, or ``WrongPassphrase``. Slow on purpose (Argon2id)."""
    slot = keyring.passphrase_slot
    if slot is None:
        raise WrongPassphrase("This vault has no passphrase: unseal it with the trustees' shares.")
    wrapping_key = derive_passphrase_key(passphrase, slot.kdf)
    ad = aead.associated_data("root/passphrase", keyring.vault_id.hex())
    try:
        root = aead.decrypt(wrapping_key, slot.wrapped_root, ad)
    except TamperedCiphertext:
        raise WrongPassphrase() from None
    return _open(keyring, root, WrongPassphrase())


def unlock_with_shares(keyring: Keyring, shares: Sequence[str]) -> VaultKeys:
    """The vault's keys from k trustee shares, or ``InvalidShare`` saying which share is the problem."""
    if keyring.share_set is None:
        raise InvalidShare("This vault was not split into trustee shares: unseal it with the passphrase.")
    root = shamir.combine(shares, expected_set_id=keyring.share_set.set_id)
    return _open(
        keyring, root, InvalidShare("These shares do not open this vault (they rebuild another key).")
    )


def set_passphrase(
    keyring: Keyring, keys: VaultKeys, passphrase: str, *, kdf_cost: KdfCost = PRODUCTION_COST
) -> Keyring:
    """A keyring whose passphrase slot is rewrapped: a new passphrase, or the same one with stronger
    Argon2 parameters (``Keyring.needs_kdf_upgrade``), always with a fresh salt. Records are untouched:
    the root does not change. Write the returned keyring in place of the old one."""
    if keys.vault_id != keyring.vault_id:
        raise VaultError("These keys belong to another vault.")
    return replace(keyring, passphrase_slot=_wrap_root(keys, passphrase, kdf_cost))


def require_unsealed(keys: VaultKeys | None) -> VaultKeys:
    """The keys, or ``VaultSealed`` for callers that hold ``None`` while the instance is sealed."""
    if keys is None:
        raise VaultSealed()
    return keys


def rotate_root(
    keyring: Keyring,
    keys: VaultKeys,
    passphrase: str | None,
    *,
    kdf_cost: KdfCost = PRODUCTION_COST,
) -> NewVault:
    """A new root for the same vault: new KEK, verifier, passphrase salt and (if the vault is split)
    new trustee shares; the same vault id, organisation key pair and blind-index key.

    Why the same vault id: it names the instance (key file checks, control sockets, associated data of
    the keyring) and says nothing secret; a new one would buy nothing. Why the same organisation key
    pair: anonymous submissions already sealed to its public key must stay readable, and intake keeps
    sealing to it during the rotation; rotating it is a separate, rarer step (not built).

    The returned keyring holds the old root wrapped by the new KEK (``rotation_in_progress``) and the
    returned keys carry the old ones in ``previous``: write it before rewrapping anything, so that a
    crash halfway leaves every row readable. ``finish_rotation`` then forgets the old root. The old
    trustee shares rebuild the old root only, which the finished keyring no longer accepts: this is how
    a trustee is revoked.
    """
    if keys.vault_id != keyring.vault_id:
        raise VaultError("These keys belong to another vault.")
    if keyring.rotation_in_progress:
        raise VaultError("A key rotation is already in progress: finish it first.")
    if keyring.passphrase_slot is not None and passphrase is None:
        raise ValueError("This vault opens with a passphrase: give it, to wrap the new root.")
    current = replace(keys, previous=None)
    root = secrets.token_bytes(ROOT_BYTES)
    new_keys = replace(
        _keys_from_root(root, keyring.vault_id, keys.org_private_key, keys.blind_index_key), previous=current
    )
    vault_id = keyring.vault_id
    rotated = replace(
        keyring,
        verifier=_verifier(root, vault_id),
        wrapped_org_private_key=aead.encrypt(new_keys.kek, keys.org_private_key, _org_key_ad(vault_id)),
        wrapped_blind_index_key=aead.encrypt(new_keys.kek, keys.blind_index_key, _blind_index_ad(vault_id)),
        wrapped_previous_root=aead.encrypt(new_keys.kek, current.root, _previous_root_ad(vault_id)),
        passphrase_slot=None,
        share_set=None,
    )
    printed: list[str] = []
    if keyring.share_set is not None:
        set_id = secrets.token_bytes(shamir.SET_ID_BYTES)
        split = keyring.share_set
        printed = shamir.split(root, threshold=split.threshold, shares=split.shares, set_id=set_id)
        rotated = replace(rotated, share_set=ShareSet(set_id, split.threshold, split.shares))
    if passphrase is not None and keyring.passphrase_slot is not None:
        rotated = replace(rotated, passphrase_slot=_wrap_root(new_keys, passphrase, kdf_cost))
    return NewVault(keyring=rotated, keys=new_keys, shares=printed)


def finish_rotation(keyring: Keyring, keys: VaultKeys) -> tuple[Keyring, VaultKeys]:
    """The keyring and keys without the previous root: call once nothing is wrapped by the old KEK."""
    if keys.vault_id != keyring.vault_id:
        raise VaultError("These keys belong to another vault.")
    return replace(keyring, wrapped_previous_root=None), replace(keys, previous=None)


def rotate_blind_index_key(keyring: Keyring, keys: VaultKeys) -> tuple[Keyring, VaultKeys]:
    """A new random blind-index key, wrapped by the (unchanged) KEK; the old keys in ``previous``.

    Every blind index must then be recomputed. Threat answered: blind indexes copied off a disk or a
    backup can be tested against guessed names or phone numbers by whoever later learns the key; after
    a rotation, an old key (say, read from a seized server's memory) matches no current index.
    """
    if keys.vault_id != keyring.vault_id:
        raise VaultError("These keys belong to another vault.")
    if keyring.rotation_in_progress:
        raise VaultError("A key rotation is in progress: finish it first (khronika vault rotate --kek).")
    current = replace(keys, previous=None)
    new_key = secrets.token_bytes(32)
    rotated = replace(
        keyring, wrapped_blind_index_key=aead.encrypt(keys.kek, new_key, _blind_index_ad(keyring.vault_id))
    )
    return rotated, replace(current, blind_index_key=new_key, previous=current)
