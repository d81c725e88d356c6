"""``khronika import FILE``: load an export into this instance, all or nothing.

Encrypted exports are opened with this organisation's own key when they were sealed to it (moving
data between instances of one organisation), otherwise with the recipient's private key
(``--identity-fd``) or the export's passphrase (``--export-passphrase-fd`` or a prompt). A damaged,
cut or altered encrypted export is refused before anything is written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress

from khronika.records.exchange.encryption import (
    ExportDecryption,
    ExportKeyError,
    is_encrypted,
    open_with_passphrase,
    open_with_private_key,
    own_public_key,
    read_header_of,
)
from khronika.records.exchange.importer import ImportRefused, import_file
from khronika.vault import state
from khronika.vault.management.prompts import ask_secret, read_fd_lines
from khronika.vault.management.unlocking import add_unlock_arguments, unseal_this_process


class Command(BaseCommand):
    help = (
        "Import a Khronika export (encrypted, or JSON Lines optionally gzip-compressed). "
        "Nothing is written if any line is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_unlock_arguments(parser)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--identity-fd",
            type=int,
            metavar="FD",
            help="Read the recipient's X25519 private key (64 hex characters) from FD.",
        )
        parser.add_argument(
            "--export-passphrase-fd",
            type=int,
            metavar="FD",
            help="Read the export's passphrase from FD (not the vault's passphrase).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unseal_this_process(options)
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"There is no file {path}.")
        try:
            decryption = self._decryption(path, options) if is_encrypted(path) else None
            with Progress(transient=True, disable=not self.stdout.isatty()) as progress:
                task = progress.add_task("Importing", total=None)
                summary = import_file(
                    path, progress=lambda n: progress.advance(task, n), decryption=decryption
                )
        except ExportKeyError as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(problem)
            raise CommandError("Nothing was imported: the file has the problems listed above.") from None
        except OSError as error:
            raise CommandError(
                f"The file could not be read: {error.strerror or error}. Nothing was imported."
            ) from None
        text = ", ".join(f"{n} {kind}" for kind, n in summary.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Imported {text or 'no records'}."))

    def _decryption(self, path: Path, options: dict[str, Any]) -> ExportDecryption:
        header = read_header_of(path)
        if header.mode == "recipient":
            if options["identity_fd"] is not None:
                lines = read_fd_lines(options["identity_fd"])
                try:
                    private_key = bytes.fromhex(lines[0].strip() if lines else "")
                except ValueError:
                    raise CommandError("The private key must be 64 hexadecimal characters.") from None
                if len(private_key) != 32:
                    raise CommandError("The private key must be 64 hexadecimal characters.")
                return open_with_private_key(header, private_key)
            if header.recipient_public_key == own_public_key():
                return open_with_private_key(header, state.keys().org_private_key)
            raise CommandError(
                "This export was encrypted for another recipient: give that recipient's private key "
                "with --identity-fd. Nothing was imported."
            )
        if options["export_passphrase_fd"] is not None:
            lines = read_fd_lines(options["export_passphrase_fd"])
            passphrase = lines[0] if lines else ""
        elif sys.stdin.isatty():
            passphrase = ask_secret("Passphrase of this export: ")
        else:
            raise CommandError(
                "This export is protected by a passphrase: give it with --export-passphrase-fd. "
                "Nothing was imported."
            )
        if not passphrase:
            raise CommandError("The export passphrase is empty. Nothing was imported.")
        return open_with_passphrase(header, passphrase)
