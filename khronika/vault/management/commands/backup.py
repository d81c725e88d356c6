"""``khronika backup create FILE | verify FILE | restore FILE`` (khronika/vault/backup.py, docs/vault.md).

The archive is encrypted with a key derived from the vault's root, so every subcommand opens the
vault first: from an unsealed ``khronika serve``, a prompt, ``--passphrase-fd`` or the shares.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khronika.ledger.services import Event, record_events
from khronika.vault import state
from khronika.vault.backup import BackupRefused, BackupSummary, create_backup, restore_backup, verify_backup
from khronika.vault.management.unlocking import add_unlock_arguments, unseal_this_process


class Command(BaseCommand):
    help = "Create, verify or restore an encrypted backup archive of the database and the stored files."

    def add_arguments(self, parser: CommandParser) -> None:
        add_unlock_arguments(parser)
        parser.add_argument("action", choices=["create", "verify", "restore"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--force", action="store_true", help="create: overwrite FILE if it exists.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        action: str = options["action"]
        if action == "create":
            if path.exists() and not options["force"]:
                raise CommandError(f"{path} already exists. Choose another name or add --force.")
            if not path.parent.is_dir():
                raise CommandError(f"The folder {path.parent} does not exist.")
        elif not path.is_file():
            raise CommandError(f"There is no file {path}.")
        unseal_this_process(options)
        keys = state.keys()
        try:
            if action == "create":
                summary = create_backup(path, keys)
            elif action == "verify":
                summary = verify_backup(path, keys)
            else:
                summary = restore_backup(path, keys)
        except BackupRefused as refused:
            raise CommandError(str(refused)) from None
        except OSError as error:
            raise CommandError(f"The file could not be read or written: {error.strerror or error}.") from None
        # After a restore the entry chains onto the restored ledger.
        record_events(None, [Event(f"backup_{action}", "vault.backup", summary.archive_id)])
        self.stdout.write(self.style.SUCCESS(self._report(action, path, summary)))

    @staticmethod
    def _report(action: str, path: Path, summary: BackupSummary) -> str:
        what = f"{summary.rows} rows in {len(summary.tables)} tables and {summary.files} files"
        if action == "create":
            return f"Backup written to {path}: {what}. Keep the recovery kit separately."
        if action == "verify":
            return f"The backup {path} is complete and authentic ({summary.created_at}): {what}."
        return f"Restored {what} from {path}."
