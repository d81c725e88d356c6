"""``khronika exposure USERNAME --since YYYY-MM-DD``: what a detained colleague's account could and did open.

The operator's view: every reference and pseudonym is printed, whatever the compartment, because the
operator already holds the whole database. Coordinators use the web page, which keeps compartments.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khronika.accounts.models import User
from khronika.ledger.exposure import Reachable, exposure


def _since(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CommandError(
            f"{raw!r} is not a date. Write it as YYYY-MM-DD, for example 2026-11-03."
        ) from None


class Command(BaseCommand):
    help = "Show what an account could open now and what it opened, revealed or exported since a date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the staff account, e.g. the one of a detained colleague")
        parser.add_argument("--since", required=True, help="first day to look at in the ledger (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        since = _since(options["since"])
        account = User.objects.filter(username=options["username"]).first()
        if account is None:
            raise CommandError(f"No account is called {options['username']!r}.")
        report = exposure(account, since)
        out = self.stdout.write
        out(f"Account {account.username} ({account.get_role_display()}), active: {account.is_active}")
        out(f"Compartments: {', '.join(report.compartments) or 'none'}")
        out("")
        out("Could open now:")
        for title, reach in (
            ("incidents", report.incidents),
            ("persons", report.persons),
            ("sources", report.sources),
        ):
            out(f"  {title}: {reach.total}")
            out(_wrapped(reach))
        out("")
        out(f"Opened, revealed, exported, created or changed since {since.isoformat()}:")
        for item in report.touched:
            out(
                f"  {item.last_at:%Y-%m-%d %H:%M} {item.label or '-'} {item.object_type} {item.object_id}: "
                f"{', '.join(item.actions)}"
            )
        if not report.touched:
            out("  nothing")
        out("")
        self.stdout.write(
            self.style.WARNING(
                f"{account.username} could open {report.incidents.total} incidents, {report.persons.total} "
                f"persons and {report.sources.total} sources, and touched {len(report.touched)} objects "
                f"since {since.isoformat()}."
            )
        )


def _wrapped(reach: Reachable) -> str:
    return "    " + (" ".join(reach.labels) if reach.labels else "-")
