"""``khronika unseal``: open the keyring here, then hand the keys to every running Khronika process.

The keyring is opened in this process first, so a wrong passphrase or a bad share fails before
anything is sent. The keys travel only over the instance's control sockets (``khronika.vault.control``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khronika.vault.control import unseal_all
from khronika.vault.crypto import VaultError
from khronika.vault.hardening import disable_core_dumps
from khronika.vault.management.unlocking import add_unlock_arguments, unlock_from_options
from khronika.vault.panic import record_vault_event


class Command(BaseCommand):
    help = "Unseal every running Khronika process with the passphrase or the trustees' shares."

    def add_arguments(self, parser: CommandParser) -> None:
        add_unlock_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        disable_core_dumps()  # this process holds the keys until it exits
        try:
            keys = unlock_from_options(options)
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
