"""``khronika unseal``: open the keyring here, then hand the keys to every running Khronika process.

The keyring is opened in this process first, so a wrong passphrase or a bad share fails before
anything is sent. The keys travel only over the instance's control sockets (``khronika.vault.control``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khronika.vault import keystore
from khronika.vault.control import unseal_all
from khronika.vault.crypto import VaultError, VaultKeys
from khronika.vault.hardening import disable_core_dumps
from khronika.vault.management.prompts import ask_secret, ask_shares, read_fd_lines
from khronika.vault.panic import record_vault_event


class Command(BaseCommand):
    help = "Unseal every running Khronika process with the passphrase or the trustees' shares."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--passphrase-fd",
            type=int,
            metavar="FD",
            help="Read the passphrase (with --shares: the shares, one per line) from FD.",
        )
        parser.add_argument("--shares", action="store_true", help="Unseal with the trustees' shares.")
        parser.add_argument(
            "--shares-fd", type=int, metavar="FD", help="Read the shares, one per line, from FD."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        disable_core_dumps()  # this process holds the keys until it exits
        try:
            keys = _unlock(options)
        except VaultError as exc:
            raise CommandError(str(exc)) from None
        answers = unseal_all(keys)
        record_vault_event(None, "unseal")
        done = sum(1 for answer in answers if answer.ok and answer.unsealed)
        for answer in answers:
            if not (answer.ok and answer.unsealed):
                self.stderr.write(f"{answer.socket}: not unsealed ({answer.error or 'no answer'}).")
        if not answers:
            self.stdout.write(
                self.style.WARNING(
                    "The vault opens with this, but no Khronika process is running: start "
                    "`khronika serve` and run `khronika unseal` again."
                )
            )
            return
        message = f"Unsealed {done} of {len(answers)} running processes."
        if done < len(answers):
            raise CommandError(message)
        self.stdout.write(self.style.SUCCESS(message))


def _unlock(options: dict[str, Any]) -> VaultKeys:
    """Open the keyring here, from the trustees' shares or the passphrase (prompt or fd)."""
    keyring = keystore.load_keyring()
    if options["shares"] or options["shares_fd"] is not None:
        if keyring.share_set is None:
            raise CommandError("This vault was not split into trustee shares: use the passphrase.")
        fd = options["shares_fd"] if options["shares_fd"] is not None else options["passphrase_fd"]
        shares = read_fd_lines(fd) if fd is not None else ask_shares(keyring.share_set.threshold)
        return keystore.unlock(shares=[share.strip() for share in shares])
    if options["passphrase_fd"] is not None:
        lines = read_fd_lines(options["passphrase_fd"])
        passphrase = lines[0] if lines else ""
    else:
        passphrase = ask_secret("Vault passphrase: ")
    return keystore.unlock(passphrase=passphrase)
