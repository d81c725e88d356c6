"""``khronika panic [--destroy-keys]``: seal every process now; optionally destroy the local key file.

The seal goes out before anything else (no database, no prompt): a panic is for when a raid is at the
door. With ``--destroy-keys`` the key file is then overwritten and deleted, so that only the offline
recovery kit together with the passphrase or k trustee shares can bring the data back.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from khronika.vault import keystore
from khronika.vault.control import seal_all
from khronika.vault.management.commands.seal import report
from khronika.vault.panic import record_vault_event, sealed_count


class Command(BaseCommand):
    help = "Seal every Khronika process within a second; --destroy-keys also deletes the local key file."
    # A raid is no time for Django's system checks: they import every view and its libraries (seconds
    # of start-up), and nothing they could find should delay sealing.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--destroy-keys",
            action="store_true",
            help="Also overwrite and delete the key file: only the recovery kit can bring the data back.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        answers = seal_all()
        elapsed = time.monotonic() - started
        self.stdout.write(report(sealed_count(answers), len(answers)) + f" ({elapsed:.2f} s)")
        for answer in answers:
            if not answer.ok:
                self.stderr.write(f"{answer.socket}: no answer ({answer.error}); stop that process.")
        if options["destroy_keys"]:
            record_vault_event(None, "panic_destroy_keys")
            if keystore.destroy_keyring():
                self.stdout.write(
                    "The key file was overwritten and deleted. Only the recovery kit, with the passphrase "
                    "or the trustees' shares, can open this vault again (khronika vault restore FILE)."
                )
            else:
                self.stdout.write("There was no key file to destroy.")
            from khronika.checkins.alerts_key import destroy_alerts_key

            if destroy_alerts_key():
                # docs/checkins.md: open check-ins cannot fire any more, and their contacts are gone.
                self.stdout.write(
                    "The check-in alerts key was destroyed too: open check-ins will not send their alerts."
                )
        else:
            record_vault_event(None, "panic")
