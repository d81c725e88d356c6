"""``khronika export FILE``: the whole database as versioned JSON Lines (docs/data-format.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress

from khronika.ledger.services import Event, record_events
from khronika.records.exchange.export import count_records, export_to_path
from khronika.vault.management.unlocking import add_unlock_arguments, unseal_this_process


class Command(BaseCommand):
    help = "Export the whole database to FILE (JSON Lines; gzip-compressed when FILE ends in .gz)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_unlock_arguments(parser)
        parser.add_argument("file", type=Path)
        parser.add_argument("--force", action="store_true", help="Overwrite FILE if it exists.")

    def handle(self, *args: Any, **options: Any) -> None:
        unseal_this_process(options)
        path: Path = options["file"]
        if path.exists() and not options["force"]:
            raise CommandError(f"{path} already exists. Choose another name or add --force.")
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        with Progress(transient=True, disable=not self.stdout.isatty()) as progress:
            task = progress.add_task("Exporting", total=count_records())
            counts = export_to_path(path, progress=lambda n: progress.advance(task, n))
        record_events(None, [Event("export", "database", path.name)])
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Exported to {path}: {summary or 'no records'}."))
