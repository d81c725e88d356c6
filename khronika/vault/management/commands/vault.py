"""``khronika vault init|passphrase|status|recovery-kit|restore|rotate``: the instance's key store.

Thin wrappers over ``khronika.vault.keystore``; unlocking every running process is ``khronika unseal``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khronika.vault import keystore, rotation, state
from khronika.vault.control import status_all, unseal_all
from khronika.vault.crypto import PRODUCTION_COST, KdfCost, VaultError
from khronika.vault.hardening import disable_core_dumps
from khronika.vault.management.prompts import (
    add_kdf_arguments,
    ask_new_passphrase,
    ask_secret,
    kdf_cost_from,
    read_fd_lines,
)
from khronika.vault.management.unlocking import (
    add_unlock_arguments,
    unlock_from_options,
    unseal_this_process,
)
from khronika.vault.panic import record_vault_event


class Command(BaseCommand):
    help = "Create and look after this instance's vault (init, passphrase, status, recovery-kit, restore)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        init = sub.add_parser("init", help="Create the vault: a passphrase and/or trustees' shares.")
        init.add_argument("--shares", type=int, metavar="N", help="Split the root into N trustee shares.")
        init.add_argument("--threshold", type=int, metavar="K", help="How many shares open the vault.")
        init.add_argument(
            "--no-passphrase", action="store_true", help="Only the trustees' shares open the vault."
        )
        init.add_argument("--passphrase-fd", type=int, metavar="FD", help="Read the passphrase from FD.")
        init.add_argument(
            "--recovery-kit", type=Path, metavar="FILE", help="Also write the recovery kit to FILE."
        )
        add_kdf_arguments(init)
        change = sub.add_parser("passphrase", help="Change the passphrase or raise its Argon2 cost.")
        change.add_argument(
            "--passphrase-fd",
            type=int,
            metavar="FD",
            help="Read the current passphrase, then the new one (one per line; only one keeps it), from FD.",
        )
        add_kdf_arguments(change)
        sub.add_parser("status", help="Show the vault and which processes are unsealed.")
        kit = sub.add_parser("recovery-kit", help="Write the recovery kit (the keyring) to FILE.")
        kit.add_argument("file", type=Path, metavar="FILE")
        restore = sub.add_parser("restore", help="Put a recovery kit back as this instance's key file.")
        restore.add_argument("file", type=Path, metavar="FILE")
        rotate = sub.add_parser(
            "rotate", help="Rotate the root and key-encryption key, or the blind-index key, while running."
        )
        which = rotate.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--kek",
            action="store_true",
            help="New root and key-encryption key: rewrap every record and file (revokes old shares).",
        )
        which.add_argument(
            "--blind-index", action="store_true", help="New blind-index key: recompute every blind index."
        )
        add_unlock_arguments(rotate)
        rotate.add_argument("--batch-size", type=int, default=500, metavar="N", help=argparse.SUPPRESS)
        add_kdf_arguments(rotate)

    def handle(self, *args: Any, **options: Any) -> None:
        disable_core_dumps()  # this process may hold the keys for a moment
        action = options["action"]
        try:
            if action == "init":
                self._init(options)
            elif action == "passphrase":
                self._passphrase(options)
            elif action == "status":
                self._status()
            elif action == "rotate":
                self._rotate(options)
            elif action == "recovery-kit":
                path = keystore.write_recovery_kit(options["file"])
                self.stdout.write(self.style.SUCCESS(f"Recovery kit written to {path}.") + " " + KIT_ADVICE)
            else:
                keystore.restore_recovery_kit(options["file"])
                self.stdout.write(
                    self.style.SUCCESS(f"Key file restored from {options['file']}.")
                    + " Run `khronika unseal` with the passphrase or the trustees' shares."
                )
        except VaultError as exc:
            raise CommandError(str(exc)) from None

    def _init(self, options: dict[str, Any]) -> None:
        shares, threshold = options["shares"], options["threshold"]
        if (shares is None) != (threshold is None):
            raise CommandError("Give both --shares and --threshold, or neither.")
        if options["no_passphrase"] and shares is None:
            raise CommandError(
                "--no-passphrase needs --shares and --threshold: something must open the vault."
            )
        if keystore.has_vault():
            raise keystore.VaultExists()
        cost = kdf_cost_from(options)
        passphrase = None
        if not options["no_passphrase"]:
            if options["passphrase_fd"] is not None:
                lines = read_fd_lines(options["passphrase_fd"])
                if not lines:
                    raise CommandError("Nothing was read from the file descriptor. Nothing was changed.")
                passphrase = lines[0]
            else:
                passphrase = ask_new_passphrase("the vault passphrase")
        kit = options["recovery_kit"]
        if kit is not None and (kit.exists() or not kit.parent.is_dir()):
            raise CommandError(f"Cannot write the recovery kit to {kit}. Nothing was changed.")
        created = keystore.init_vault(passphrase, shares=shares, threshold=threshold, kdf_cost=cost)
        self.stdout.write(self.style.SUCCESS(f"Vault created; key file {created.path}."))
        _warn_weak_cost(self, cost)
        if created.shares:
            self.stdout.write(
                self.style.WARNING(
                    f"Trustee shares: any {threshold} of these {shares} open the vault. They are shown "
                    "this once and stored nowhere. Give each to a different trustee, on paper; never "
                    "keep two together, never photograph or e-mail them."
                )
            )
            for share in created.shares:
                self.stdout.write(share)
        if kit is not None:
            keystore.write_recovery_kit(kit)
            self.stdout.write(f"Recovery kit written to {kit}. " + KIT_ADVICE)
        else:
            self.stdout.write("Now write the recovery kit: khronika vault recovery-kit FILE. " + KIT_ADVICE)
        record_vault_event(None, "vault_init")
        answers = unseal_all(created.keys)
        if answers:
            done = sum(1 for answer in answers if answer.ok and answer.unsealed)
            self.stdout.write(f"{done} of {len(answers)} running processes unsealed.")

    def _passphrase(self, options: dict[str, Any]) -> None:
        keyring = keystore.load_keyring()
        if keyring.passphrase_slot is None:
            raise CommandError(
                "This vault opens with the trustees' shares only; a passphrase cannot be added yet."
            )
        cost = kdf_cost_from(options)
        if options["passphrase_fd"] is not None:
            lines = read_fd_lines(options["passphrase_fd"])
            if not lines:
                raise CommandError("Nothing was read from the file descriptor. Nothing was changed.")
            current, new = lines[0], lines[1] if len(lines) > 1 else lines[0]
        else:
            current = ask_secret("Type the current passphrase: ")
            new = ask_new_passphrase("the new passphrase (or the current one again, to keep it)")
        keystore.change_passphrase(current, new, kdf_cost=cost)
        what = "Passphrase changed" if new != current else "Passphrase rewrapped"
        self.stdout.write(
            self.style.SUCCESS(
                f"{what} with Argon2 {cost.memory_kib} KiB × {cost.time_cost} passes. Records are "
                "untouched. Write a new recovery kit and destroy the old one: it still opens with the "
                "old passphrase."
            )
        )
        record_vault_event(None, "vault_passphrase")
        _warn_weak_cost(self, cost)

    def _rotate(self, options: dict[str, Any]) -> None:
        keyring = keystore.load_keyring()
        if options["blind_index"]:
            unseal_this_process(options)
            written = rotation.rotate_blind_index(state.keys(), batch_size=options["batch_size"])
            self.stdout.write(
                self.style.SUCCESS(f"Blind-index key rotated; {written} blind indexes recomputed.")
            )
            return
        # The KEK: the passphrase wraps the new root, so it is asked even if a process is unsealed.
        passphrase = None
        if keyring.passphrase_slot is not None and not (
            options["shares"] or options["shares_fd"] is not None
        ):
            if options["passphrase_fd"] is not None:
                lines = read_fd_lines(options["passphrase_fd"])
                passphrase = lines[0] if lines else ""
            else:
                passphrase = ask_secret("Vault passphrase: ")
            keys = keystore.unlock(passphrase=passphrase)
        else:
            if keyring.passphrase_slot is not None:
                raise CommandError(
                    "This vault has a passphrase: rotate with the passphrase, which wraps the new root."
                )
            keys = unlock_from_options(options)
        done = rotation.rotate_kek(
            keys,
            passphrase,
            kdf_cost=kdf_cost_from(options),
            batch_size=options["batch_size"],
            progress=self.stdout.write,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Key-encryption key rotated{' (resumed)' if done.resumed else ''}: "
                f"{done.rows.rewrapped} records and {done.files.rewrapped} files rewrapped."
            )
        )
        unreadable = done.rows.unreadable + done.files.unreadable
        if unreadable:
            self.stdout.write(
                self.style.WARNING(
                    f"{unreadable} records or files were already unreadable (damaged) and were left as "
                    "they were."
                )
            )
        if done.shares:
            self.stdout.write(
                self.style.WARNING(
                    "New trustee shares (the old ones no longer open the vault). They are shown this "
                    "once and stored nowhere: give each to a different trustee, on paper, and ask them "
                    "to destroy the old one."
                )
            )
            for share in done.shares:
                self.stdout.write(share)
        self.stdout.write(
            "Write a new recovery kit now (khronika vault recovery-kit FILE) and destroy the old kit and "
            "every older copy of the key file: with the passphrase, they still open backups made before "
            "today."
        )

    def _status(self) -> None:
        keyring = keystore.load_keyring()
        self.stdout.write(f"Vault {keyring.vault_id.hex()}, key file {keystore.keyring_path()}")
        slot = keyring.passphrase_slot
        if slot is not None:
            line = f"Passphrase: Argon2id {slot.kdf.memory_kib} KiB × {slot.kdf.time_cost} passes"
            if keyring.needs_kdf_upgrade():
                line += " (weaker than recommended: run `khronika vault passphrase`)"
            self.stdout.write(line)
        if keyring.share_set is not None:
            self.stdout.write(
                f"Trustee shares: any {keyring.share_set.threshold} of {keyring.share_set.shares}"
            )
        if keyring.rotation_in_progress:
            self.stdout.write(
                self.style.WARNING(
                    "A key rotation did not finish: run `khronika vault rotate --kek` again to complete it."
                )
            )
        answers = status_all()
        unsealed = sum(1 for answer in answers if answer.ok and answer.unsealed)
        self.stdout.write(f"Processes running: {len(answers)}, unsealed: {unsealed}")


KIT_ADVICE = (
    "Keep it offline (an encrypted USB stick in a safe place, away from the server): if the key file "
    "is destroyed or lost, the kit plus the passphrase or the trustees' shares are the only way back."
)


def _warn_weak_cost(command: BaseCommand, cost: KdfCost) -> None:
    if (
        cost.memory_kib < PRODUCTION_COST.memory_kib
        or cost.time_cost < PRODUCTION_COST.time_cost
        or cost.parallelism < PRODUCTION_COST.parallelism
    ):
        command.stdout.write(
            command.style.WARNING(
                "The Argon2 cost is below the recommended one: a stolen key file is easier to attack."
            )
        )
