"""``khronika evidence export INCIDENT… --out DIR_OR_ZIP``: a verifiable evidence bundle for a court."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress

from khronika.accounts.models import User
from khronika.records.evidence_bundle import BundleError, export_bundle, find_incidents
from khronika.records.models import Evidence
from khronika.vault.management.unlocking import add_unlock_arguments, unseal_this_process


class Command(BaseCommand):
    help = "Work with evidence files (export a bundle for a court or a UN body)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser(
            "export",
            help="Write the incidents' evidence files, hashes, custody and a signed ledger proof to "
            "a folder, or to a zip file if the name ends in .zip.",
        )
        add_unlock_arguments(export)
        export.add_argument("incidents", nargs="+", metavar="INCIDENT", help="reference (I-…) or id")
        export.add_argument("--out", type=Path, required=True, metavar="DIR_OR_ZIP")
        export.add_argument(
            "--user",
            metavar="USERNAME",
            help="Export on behalf of this user: only incidents they may see; custody names them.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unseal_this_process(options)
        user = _user(options["user"]) if options["user"] else None
        try:
            incidents = find_incidents(options["incidents"], user)
            total = Evidence.objects.filter(incident__in=incidents).count()
            with Progress(transient=True, disable=not self.stdout.isatty()) as progress:
                task = progress.add_task("Copying evidence", total=total)
                summary = export_bundle(
                    incidents, options["out"], user, progress=lambda n: progress.advance(task, n)
                )
        except (BundleError, ImproperlyConfigured) as exc:
            raise CommandError(str(exc)) from exc
        for evidence_id in summary.changed_since_arrival:
            self.stderr.write(
                self.style.WARNING(
                    f"Warning: evidence {evidence_id} no longer matches the SHA-256 taken on arrival. "
                    "It was exported as it is; the bundle's verifier will report it."
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported to {summary.path}: incidents {summary.incidents}, files {summary.files}, "
                f"ledger entries {summary.ledger_entries} up to the signed checkpoint of entry "
                f"{summary.checkpoint_seq}. Check it with: python3 verify_bundle.py"
            )
        )


def _user(username: str) -> User:
    try:
        return User.objects.get(username=username, is_active=True)
    except User.DoesNotExist as exc:
        raise CommandError(f"There is no active user “{username}”. Nothing was exported.") from exc
