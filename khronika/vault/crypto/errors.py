"""The few ways the vault refuses, each with a message an operator can act on.

They are narrow on purpose: a caller can tell "you typed the wrong passphrase" from "someone altered
the database" from "the instance is sealed", and each is shown to a person, never a stack trace.
None of them ever carries key material, plaintext or the value that failed: messages end up in logs.
"""

from __future__ import annotations


class VaultError(Exception):
    """Base class: every refusal of the crypto core."""

    default_message = "The vault refused this operation."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)


class WrongPassphrase(VaultError):
    """The passphrase (or set of trustee shares) does not open this vault's keyring."""

    default_message = (
        "This passphrase does not open the vault. Check the keyboard layout and Caps Lock, then try "
        "again. Nothing was changed."
    )


class TamperedCiphertext(VaultError):
    """Encrypted data failed authentication: corrupted, altered, moved to another row or field, or
    its data key was destroyed (crypto-shredded)."""

    default_message = (
        "Encrypted data could not be opened: it was altered, damaged, moved from another record or "
        "field, or its key was deliberately destroyed. Restore it from a backup if it should exist."
    )


class InvalidShare(VaultError):
    """A trustee share is mistyped, from another vault, repeated, or there are too few of them."""

    default_message = "A trustee share is not valid. Check it letter by letter against the paper copy."


class VaultSealed(VaultError):
    """Keys are needed but the instance is sealed (after a restart or a panic)."""

    default_message = (
        "The vault is sealed: encrypted data cannot be read until an operator runs `khronika unseal`."
    )
