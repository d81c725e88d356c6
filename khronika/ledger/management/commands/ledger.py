"""``khronika ledger verify``: prove the chain intact or name the first broken entry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khronika.ledger.services import verify


class Command(BaseCommand):
    help = "Work with the tamper-evident ledger (verify)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Check every entry of the hash chain.")

    def handle(self, *args: Any, **options: Any) -> None:
        count, broken = verify()
        if broken is not None:
            raise CommandError(
                f"The ledger is broken at entry {broken.seq}: {broken.reason}. "
                f"{count} entries before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"The ledger is intact: {count} entries verified."))
