"""``khronika import FILE``: load an export into this instance, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress

from khronika.records.exchange.importer import ImportRefused, import_file
from khronika.vault.management.unlocking import add_unlock_arguments, unseal_this_process


class Command(BaseCommand):
    help = (
        "Import a Khronika export (JSON Lines, optionally gzip-compressed). "
        "Nothing is written if any line is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_unlock_arguments(parser)
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        unseal_this_process(options)
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"There is no file {path}.")
        try:
            with Progress(transient=True, disable=not self.stdout.isatty()) as progress:
                task = progress.add_task("Importing", total=None)
                summary = import_file(path, progress=lambda n: progress.advance(task, n))
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
