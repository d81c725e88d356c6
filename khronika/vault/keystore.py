"""The key store: the one file of key material on disk, ``VAULT_DIR/keyring.json``.

It holds only the keyring (``crypto.Keyring``): the wrapped root, the Argon2 parameters, the share
split's id, the organisation public key and its wrapped private key. Nothing in it opens data without
the passphrase or k trustee shares (threat model 1), but losing it loses the vault: the trustees'
shares rebuild the root, and the root alone cannot find the wrapped organisation key or tell itself
from a wrong one. Hence the **recovery kit**: the same JSON, exported once at ``khronika vault init``
and kept offline (docs/vault.md).

Unlocked keys never pass through this module's files: it reads and writes the keyring only.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from khronika.vault.crypto import (
    PRODUCTION_COST,
    KdfCost,
    Keyring,
    VaultError,
    VaultKeys,
    create_vault,
    set_passphrase,
    unlock_with_passphrase,
    unlock_with_shares,
)

KEYRING_NAME = "keyring.json"
MIN_PASSPHRASE_CHARS = 12


class NoVault(VaultError):
    default_message = "This instance has no vault yet: run `khronika vault init`."


class VaultExists(VaultError):
    default_message = (
        "This instance already has a vault. Creating another would make every encrypted record "
        "unreadable; nothing was changed."
    )


def vault_dir() -> Path:
    return Path(settings.VAULT_DIR)


def keyring_path() -> Path:
    return vault_dir() / KEYRING_NAME


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` readable by the service user only (0700), and tighten it if it exists.

    Threat: another local account reading the keyring (an offline guessing target) or reaching the
    control sockets below it."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def has_vault() -> bool:
    return keyring_path().exists()


def load_keyring(path: Path | None = None) -> Keyring:
    """The keyring, or a ``VaultError`` whose message says what to do (never a stack trace)."""
    path = path or keyring_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if path == keyring_path():
            raise NoVault() from None
        raise VaultError(f"There is no key file at {path}.") from None
    except UnicodeDecodeError:
        raise VaultError(
            f"The key file {path} is damaged (it is not text); restore it from the recovery kit."
        ) from None
    except OSError as exc:
        raise VaultError(f"The key file {path} cannot be read: {exc.strerror}.") from None
    return Keyring.from_json(text)


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically with mode 0600: a crash leaves the old file or the new one,
    never half a keyring (a half-written keyring is a lost vault)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def save_keyring(keyring: Keyring, *, replace: bool = False) -> Path:
    """Store ``keyring``; refuses to replace an existing vault's keyring unless ``replace`` (a rewrap
    of the same vault, checked here)."""
    path = keyring_path()
    ensure_private_dir(path.parent)
    if path.exists():
        if not replace:
            raise VaultExists()
        if load_keyring(path).vault_id != keyring.vault_id:
            raise VaultError("This key file belongs to another vault; nothing was changed.")
    _write_private(path, keyring.to_json() + "\n")
    return path


def check_passphrase_strength(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise VaultError(
            f"The passphrase is too short: use at least {MIN_PASSPHRASE_CHARS} characters, "
            "for example four or five unrelated words."
        )


@dataclass(frozen=True)
class Initialised:
    keyring: Keyring
    keys: VaultKeys
    shares: list[str]
    path: Path


def init_vault(
    passphrase: str | None,
    *,
    shares: int | None = None,
    threshold: int | None = None,
    kdf_cost: KdfCost = PRODUCTION_COST,
) -> Initialised:
    """Create this instance's vault and store its keyring. Refuses if one exists (``VaultExists``)."""
    if has_vault():
        raise VaultExists()
    if passphrase is not None:
        check_passphrase_strength(passphrase)
    try:
        new = create_vault(passphrase, kdf_cost=kdf_cost, threshold=threshold, shares=shares)
    except ValueError as exc:
        raise VaultError(str(exc)) from exc
    path = save_keyring(new.keyring)
    return Initialised(new.keyring, new.keys, new.shares, path)


def unlock(*, passphrase: str | None = None, shares: Sequence[str] | None = None) -> VaultKeys:
    """The keys from the stored keyring and a passphrase or trustee shares; nothing is written."""
    keyring = load_keyring()
    if shares is not None:
        return unlock_with_shares(keyring, shares)
    if passphrase is None:
        raise VaultError("Give the passphrase or the trustees' shares.")
    try:
        return unlock_with_passphrase(keyring, passphrase)
    except ValueError as exc:  # an empty passphrase
        raise VaultError(str(exc)) from exc


def change_passphrase(current: str, new: str, *, kdf_cost: KdfCost = PRODUCTION_COST) -> Keyring:
    """Rewrap the root under ``new`` (which may equal ``current``, to raise the Argon2 cost only)."""
    check_passphrase_strength(new)
    keyring = load_keyring()
    keys = unlock_with_passphrase(keyring, current)
    updated = set_passphrase(keyring, keys, new, kdf_cost=kdf_cost)
    save_keyring(updated, replace=True)
    return updated


def write_recovery_kit(destination: Path) -> Path:
    """Export the keyring for offline keeping. Refuses to overwrite a file (it may be an older kit)."""
    keyring = load_keyring()
    if destination.exists():
        raise VaultError(f"{destination} already exists; choose another name. Nothing was written.")
    if not destination.parent.is_dir():
        raise VaultError(f"The folder {destination.parent} does not exist. Nothing was written.")
    _write_private(destination, keyring.to_json() + "\n")
    return destination


def restore_recovery_kit(source: Path) -> Keyring:
    """Put a recovery kit back as this instance's keyring (after ``panic --destroy-keys``)."""
    keyring = load_keyring(source)
    if has_vault():
        raise VaultExists(
            "This instance still has a key file; restoring a recovery kit over it is refused. "
            "Nothing was changed."
        )
    save_keyring(keyring)
    return keyring


def destroy_keyring() -> bool:
    """Overwrite the key file with random bytes, flush, then delete it. True if there was one.

    Threat: a panic before a seizure. Overwriting is best effort (journaling and SSD wear levelling may
    keep old blocks), which is acceptable because the file is only the wrapped keyring: what it protects
    still needs the passphrase or the shares. After this only the recovery kit plus the passphrase or k
    shares open the vault.
    """
    path = keyring_path()
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return False
    with open(path, "r+b") as handle:
        handle.write(secrets.token_bytes(max(size, 1)))
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()
    return True
