"""Opening the vault from the command line: for ``khronika unseal`` and for every command that reads
or writes encrypted records (export, import, evidence bundles).

Secrets come only from a no-echo prompt or a file descriptor (``--passphrase-fd``), never from argv
or the environment, where other users of the machine and shell histories could read them.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser

from khronika.vault import keystore, state
from khronika.vault.control import adopt_keys_from_peer
from khronika.vault.crypto import VaultError, VaultKeys
from khronika.vault.hardening import disable_core_dumps
from khronika.vault.management.prompts import ask_secret, ask_shares, read_fd_lines


def add_unlock_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--passphrase-fd",
        type=int,
        metavar="FD",
        help="Read the vault passphrase (with --shares: the shares, one per line) from FD.",
    )
    parser.add_argument("--shares", action="store_true", help="Open the vault with the trustees' shares.")
    parser.add_argument("--shares-fd", type=int, metavar="FD", help="Read the shares, one per line, from FD.")


def unlock_from_options(options: dict[str, Any]) -> VaultKeys:
    """Open the keyring in this process, from the trustees' shares or the passphrase (prompt or fd)."""
    keyring = keystore.load_keyring()
    if options.get("shares") or options.get("shares_fd") is not None:
        if keyring.share_set is None:
            raise CommandError("This vault was not split into trustee shares: use the passphrase.")
        fd = options["shares_fd"] if options.get("shares_fd") is not None else options.get("passphrase_fd")
        shares = read_fd_lines(fd) if fd is not None else ask_shares(keyring.share_set.threshold)
        return keystore.unlock(shares=[share.strip() for share in shares])
    if options.get("passphrase_fd") is not None:
        lines = read_fd_lines(options["passphrase_fd"])
        passphrase = lines[0] if lines else ""
    else:
        passphrase = ask_secret("Vault passphrase: ")
    return keystore.unlock(passphrase=passphrase)


def unseal_this_process(options: dict[str, Any]) -> None:
    """Make sure this command's own process holds the keys, asking for them only when needed.

    An unsealed ``khronika serve`` of the same instance hands them over through its control socket;
    otherwise the operator types the passphrase (or gives it on ``--passphrase-fd``).
    """
    if state.is_unsealed():
        return
    disable_core_dumps()  # this process is about to hold the keys
    if adopt_keys_from_peer():
        return
    interactive = sys.stdin.isatty()
    if not interactive and options.get("passphrase_fd") is None and options.get("shares_fd") is None:
        raise CommandError(
            "This command reads encrypted records and the vault is sealed. Run it while `khronika serve` "
            "is running and unsealed, or give the passphrase with --passphrase-fd."
        )
    try:
        state.unseal(unlock_from_options(options))
    except VaultError as exc:
        raise CommandError(str(exc)) from None
