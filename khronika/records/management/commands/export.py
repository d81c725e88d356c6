"""``khronika export FILE``: the whole database as versioned JSON Lines (docs/data-format.md).

Encrypted by default (threat model 1 and 4: an export is the whole database on a USB stick): to a
recipient's public key (``--recipient-key``, ``self`` by default: this organisation's own key), or to
a passphrase (``--export-passphrase-fd``, or ``--export-passphrase`` for a prompt). The vault's own
``--passphrase-fd`` only opens this instance's vault. A clear-text file needs ``--plaintext`` and the
id of a request approved by a second coordinator in the web interface, used once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress

from khronika.ledger.services import Event, record_events
from khronika.records.exchange.approval import ApprovalRefused, use_approval
from khronika.records.exchange.encryption import ExportEncryption, parse_recipient_key
from khronika.records.exchange.export import count_records, export_to_path
from khronika.vault.management.prompts import (
    add_kdf_arguments,
    ask_new_passphrase,
    kdf_cost_from,
    read_fd_lines,
)
from khronika.vault.management.unlocking import add_unlock_arguments, unseal_this_process


class Command(BaseCommand):
    help = (
        "Export the whole database to FILE, encrypted to a recipient key (this organisation's own by "
        "default) or to a passphrase. A plain-text export needs --plaintext and a second coordinator's "
        "approval id."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_unlock_arguments(parser)
        parser.add_argument("file", type=Path)
        parser.add_argument("--force", action="store_true", help="Overwrite FILE if it exists.")
        protection = parser.add_mutually_exclusive_group()
        protection.add_argument(
            "--recipient-key",
            metavar="FILE_OR_HEX",
            help="Encrypt to this X25519 public key (64 hex characters, a file holding them, or 'self': "
            "this organisation's own key, the default).",
        )
        protection.add_argument(
            "--export-passphrase-fd",
            type=int,
            metavar="FD",
            help="Encrypt to a passphrase read from FD (not the vault's passphrase).",
        )
        protection.add_argument(
            "--export-passphrase", action="store_true", help="Encrypt to a passphrase typed at a prompt."
        )
        protection.add_argument(
            "--plaintext", action="store_true", help="Write the export in clear (needs --approval)."
        )
        parser.add_argument(
            "--approval",
            metavar="ID",
            help="The approved plain-text export request (web page: Plain-text exports).",
        )
        add_kdf_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if path.exists() and not options["force"]:
            raise CommandError(f"{path} already exists. Choose another name or add --force.")
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        if options["approval"] and not options["plaintext"]:
            raise CommandError("--approval is only for --plaintext exports.")
        if options["plaintext"] and not options["approval"]:
            raise CommandError(
                "A plain-text export needs the id of a request approved by a second coordinator "
                "(web interface: Plain-text exports). Nothing was exported."
            )
        unseal_this_process(options)
        encryption = self._encryption(options)
        if encryption is None:
            try:
                approval = use_approval(options["approval"])
            except ApprovalRefused as refused:
                raise CommandError(f"{refused} Nothing was exported.") from None
            how = f"plaintext:{approval.id}"
        else:
            how = "encrypted"
        with Progress(transient=True, disable=not self.stdout.isatty()) as progress:
            task = progress.add_task("Exporting", total=count_records())
            counts = export_to_path(path, progress=lambda n: progress.advance(task, n), encryption=encryption)
        record_events(None, [Event("export", "database", how)])
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        state = "in plain text" if encryption is None else "encrypted"
        self.stdout.write(self.style.SUCCESS(f"Exported {state} to {path}: {summary or 'no records'}."))

    def _encryption(self, options: dict[str, Any]) -> ExportEncryption | None:
        if options["plaintext"]:
            return None
        if options["export_passphrase_fd"] is not None or options["export_passphrase"]:
            if options["export_passphrase_fd"] is not None:
                lines = read_fd_lines(options["export_passphrase_fd"])
                passphrase = lines[0] if lines else ""
            else:
                passphrase = ask_new_passphrase("the passphrase for this export")
            if not passphrase:
                raise CommandError("The export passphrase is empty. Nothing was exported.")
            return ExportEncryption.with_passphrase(passphrase, kdf_cost_from(options))
        try:
            public_key = parse_recipient_key(options["recipient_key"] or "self")
        except (ValueError, OSError) as error:
            raise CommandError(f"{error} Nothing was exported.") from None
        return ExportEncryption.to_recipient(public_key)
