"""``khronika intake expire``: crypto-shred reports never recorded after the retention period.

Run it daily (docs/operations.md has a systemd timer). It needs no unseal: shredding overwrites keys
and ciphertext, it never decrypts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from khronika.intake.services import shred_expired


class Command(BaseCommand):
    help = "Work with anonymous reports (expire)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "expire",
            help="Crypto-shred reports never recorded as incidents and older than "
            f"KHRONIKA_INTAKE_RETENTION_DAYS (now {settings.INTAKE_RETENTION_DAYS} days).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.INTAKE_RETENTION_DAYS
        count = shred_expired(timedelta(days=days))
        self.stdout.write(f"Shredded {count} report(s) older than {days} days that were never recorded.")
