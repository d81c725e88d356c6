"""``khronika import-spreadsheet FILE``: incidents from a CSV or XLSX file, all or nothing by default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress

from khronika.accounts.models import Compartment, User
from khronika.records.spreadsheets.importing import NothingImported, prepare, write
from khronika.records.spreadsheets.mapping import MappingError, load_mapping
from khronika.records.spreadsheets.reading import SpreadsheetRefused
from khronika.vault.management.unlocking import add_unlock_arguments, unseal_this_process


class Command(BaseCommand):
    help = (
        "Import incidents from a spreadsheet (CSV or XLSX), one incident with one act per row "
        "(docs/data-format.md). Nothing is written if any row has a problem, unless --valid-only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_unlock_arguments(parser)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--mapping",
            default="auto",
            help='"auto" to guess the columns from their headers, or a JSON file {"Header": "field"}.',
        )
        parser.add_argument("--compartment", required=True, help="The compartment the incidents go into.")
        parser.add_argument(
            "--valid-only", action="store_true", help="Import the valid rows and skip those with problems."
        )
        parser.add_argument(
            "--user",
            default="",
            help="Record the import in the ledger as this user rather than as the system.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unseal_this_process(options)
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"There is no file {path}.")
        compartment = Compartment.objects.filter(name=options["compartment"]).first()
        if compartment is None:
            raise CommandError(f"There is no compartment called {options['compartment']!r}.")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"], compartments=compartment).first()
            if user is None:
                raise CommandError(f"There is no user {options['user']!r} in that compartment.")
        try:
            mapping = None if options["mapping"] == "auto" else load_mapping(Path(options["mapping"]))
            data = path.read_bytes()
            table, mapping, report = prepare(data, path.name, mapping, compartment)
        except (SpreadsheetRefused, MappingError) as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        except NothingImported as refused:
            for problem in refused.problems:
                self.stderr.write(problem)
            raise CommandError("Nothing was imported: the mapping has the problems listed above.") from None
        except OSError as error:
            raise CommandError(f"The file could not be read: {error.strerror or error}.") from None
        self.stdout.write("Columns: " + "; ".join(f"{h} → {k}" for h, k in mapping.items() if k))
        for row_problem in report.problems:
            self.stderr.write(str(row_problem))
        try:
            with Progress(transient=True, disable=not self.stdout.isatty()) as progress:
                task = progress.add_task("Importing", total=len(report.valid_rows))
                result = write(
                    user,
                    report,
                    valid_only=options["valid_only"],
                    data=data,
                    progress=lambda n: progress.advance(task, n),
                )
        except NothingImported:
            raise CommandError(
                f"Nothing was imported: {report.invalid_count} of {len(table.rows)} rows have the problems "
                "listed above. Correct them, or add --valid-only to import the other rows."
            ) from None
        skipped = f"; skipped {len(result.skipped_rows)} rows with problems" if result.skipped_rows else ""
        self.stdout.write(
            self.style.SUCCESS(f"Imported {len(result.created)} incidents from {path.name}{skipped}.")
        )
