"""``khronika link dedupe INPUT.csv --output CLUSTERS.csv``: find the records that are one person;
``khronika link incidents INPUT.csv --output CLUSTERS.csv``: the reports that are one incident.

Works on files only: it opens no database and needs no unsealed vault. The exchange between
organisations (``link encode`` / ``link match``) lives in ``khronika/linkage/cli_exchange.py`` and is
added here when that module is present.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from khronika.linkage.csv_io import (
    RecordT,
    RowError,
    UnreadableFile,
    read_incidents,
    read_persons,
    write_clusters,
)
from khronika.linkage.types import LinkageResult

MAX_ERRORS_SHOWN = 20


def _file_arguments(parser: CommandParser) -> None:
    """The arguments every file-to-file action takes."""
    parser.add_argument("input", type=Path, metavar="INPUT.csv")
    parser.add_argument("--output", type=Path, required=True, metavar="CLUSTERS.csv")
    parser.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="Link the good rows and leave out the bad ones (they are listed).",
    )
    parser.add_argument("--force", action="store_true", help="Overwrite CLUSTERS.csv if it exists.")


def _exchange() -> ModuleType | None:
    """The exchange subcommands, if that module is installed (it is built separately)."""
    try:
        return importlib.import_module("khronika.linkage.cli_exchange")
    except ModuleNotFoundError as exc:
        if exc.name != "khronika.linkage.cli_exchange":
            raise
        return None


class Command(BaseCommand):
    help = "Record linkage: find the records that describe the same person."
    requires_system_checks: list[str] = []  # files only: no database, no vault
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        dedupe = sub.add_parser(
            "dedupe",
            help="Group the records of a person CSV that describe the same person.",
            description="Reads record_id, given_name, family_name, patronymic, birth_date, age, "
            "incident_date, region, town, source; writes record_id, cluster_id, match_probability.",
        )
        _file_arguments(dedupe)
        dedupe.add_argument(
            "--backend",
            choices=("duckdb", "spark"),
            default="duckdb",
            help="Where pairs are scored and clustered: duckdb (in memory, the default) or spark "
            "(for very large lists; needs Java and /dev/shm). Both give the same clusters.",
        )
        incidents = sub.add_parser(
            "incidents",
            help="Group the reports of an incident CSV that describe the same incident.",
            description="Reads record_id, date, region, town, act_types, persons, source (act_types and "
            "persons separated by semicolons); writes record_id, cluster_id, match_probability.",
        )
        _file_arguments(incidents)
        exchange = _exchange()
        if exchange is not None:
            exchange.add_subcommands(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "dedupe":
            self._dedupe(
                options["input"],
                options["output"],
                options["skip_bad_rows"],
                options["force"],
                options["backend"],
            )
            return
        if options["action"] == "incidents":
            self._incidents(options["input"], options["output"], options["skip_bad_rows"], options["force"])
            return
        exchange = _exchange()
        if exchange is None:  # argparse only offers actions that exist; kept for a clear message
            raise CommandError(_("Unknown action %(action)s.") % {"action": options["action"]})
        exchange.run(options)

    def _dedupe(self, source: Path, output: Path, skip_bad_rows: bool, force: bool, backend: str) -> None:
        records, errors = self._read(read_persons, source, output, skip_bad_rows, force)
        # Imported here: Splink and DuckDB take seconds to load; the errors above need not wait.
        from khronika.linkage import model, spark_backend  # spark_backend loads pyspark only when used

        started = time.monotonic()
        self.stdout.write(_("Linking %(count)s records…") % {"count": len(records)})
        try:
            if backend == "spark":
                spark_backend.check()  # before training, which takes minutes on a large list
            result = model.link(records, model.ModelOptions(backend=backend))
        except spark_backend.NoMemoryFolder as exc:
            raise CommandError(
                _(
                    "The Spark backend needs the memory-backed folder /dev/shm, and this machine has "
                    "none it may write to; without it, names would be written to disk. Link without "
                    "--backend spark, or on a machine with /dev/shm."
                )
            ) from exc
        except spark_backend.NoJava as exc:
            raise CommandError(
                _(
                    "The Spark backend needs Java, and none is installed. Install it with "
                    "scripts/install-system-packages, or link without --backend spark."
                )
            ) from exc
        self._write(output, result, len(records), len(errors), started)

    def _incidents(self, source: Path, output: Path, skip_bad_rows: bool, force: bool) -> None:
        records, errors = self._read(read_incidents, source, output, skip_bad_rows, force)
        from khronika.linkage import incident_model  # as in _dedupe: Splink loads after the checks

        started = time.monotonic()
        self.stdout.write(_("Linking %(count)s reports…") % {"count": len(records)})
        result = incident_model.link_incidents(records)
        self._write(output, result, len(records), len(errors), started)

    def _read(
        self,
        read: Callable[[Path], tuple[list[RecordT], list[RowError]]],
        source: Path,
        output: Path,
        skip_bad_rows: bool,
        force: bool,
    ) -> tuple[list[RecordT], list[RowError]]:
        """The good rows and the bad ones, after the checks that must pass before anything is linked."""
        if not source.is_file():
            raise CommandError(_("There is no file %(path)s.") % {"path": source})
        if output.exists() and not force:
            raise CommandError(
                _("%(path)s already exists. Choose another name or add --force.") % {"path": output}
            )
        if not output.parent.is_dir():
            raise CommandError(_("The folder %(path)s does not exist.") % {"path": output.parent})
        try:
            records, errors = read(source)
        except UnreadableFile as exc:
            raise CommandError(str(exc)) from exc
        for error in errors[:MAX_ERRORS_SHOWN]:
            self.stderr.write(
                _("Line %(line)s: %(message)s") % {"line": error.line, "message": error.message}
            )
        if len(errors) > MAX_ERRORS_SHOWN:
            self.stderr.write(_("… and %(count)s more bad rows.") % {"count": len(errors) - MAX_ERRORS_SHOWN})
        if errors and not skip_bad_rows:
            raise CommandError(
                _(
                    "%(count)s rows cannot be read; nothing was written. Correct them, or add "
                    "--skip-bad-rows to link the other rows without them."
                )
                % {"count": len(errors)}
            )
        return records, errors

    def _write(self, output: Path, result: LinkageResult, count: int, skipped: int, started: float) -> None:
        write_clusters(output, result.assignments)
        clusters = len({a.cluster_id for a in result.assignments})
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(records)s records in %(clusters)s clusters, %(pairs)s uncertain pairs, "
                    "%(skipped)s bad rows left out, in %(seconds).0f s; written to %(path)s."
                )
                % {
                    "records": count,
                    "clusters": clusters,
                    "pairs": len(result.uncertain_pairs),
                    "skipped": skipped,
                    "seconds": time.monotonic() - started,
                    "path": output,
                }
            )
        )
