"""Threshold alerts: an account that reveals or exports far more than its work needs.

Threat model 3 (an informant with an account, or a hijacked account): harvesting identities or bulk
exporting leaves a burst of ``reveal`` or ``export`` entries in the ledger. Watching the ledger itself,
rather than each view, means every present and future caller is covered without remembering to call us.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings

from khronika.accounts.alerts import raise_alert
from khronika.accounts.models import Alert, User
from khronika.ledger.models import LedgerEntry

WINDOW = timedelta(hours=1)


def _limits() -> dict[str, tuple[Alert.Kind, int]]:
    """Read on every call, so that tests and a reloaded configuration see the current values."""
    return {
        "reveal": (Alert.Kind.REVEALS, settings.KHRONIKA_ALERT_REVEALS_PER_HOUR),
        "export": (Alert.Kind.EXPORTS, settings.KHRONIKA_ALERT_EXPORTS_PER_HOUR),
    }


def watch_entries(entries: Sequence[LedgerEntry]) -> list[Alert]:
    """Raise an alert for each watched action of which the entries' account did too many in the last hour.

    Called by ``ledger.services.record_events`` while it still holds the ledger's lock, so two requests
    finishing at once cannot both raise the same alert. At most one alert per account and kind per hour:
    coordinators need one clear signal, not one per further reveal.
    """
    if not entries or not entries[0].actor.startswith("user:"):
        return []  # the CLI and the worker act as "system", which has no account to revoke
    limits = _limits()
    watched = {entry.action for entry in entries} & limits.keys()
    if not watched:
        return []
    actor = entries[0].actor
    since = entries[-1].at - WINDOW
    subject: User | None = None
    raised = []
    for action in sorted(watched):
        kind, limit = limits[action]
        count = LedgerEntry.objects.filter(actor=actor, action=action, at__gt=since).count()
        if count <= limit:
            continue
        subject = subject or User.objects.filter(pk=actor.removeprefix("user:")).first()
        if subject is None:
            continue
        if Alert.objects.filter(kind=kind, subject=subject, raised_at__gt=since).exists():
            continue
        # The detail names counts only: an alert must never carry whom the account looked at.
        detail = f"{count} × {action} in one hour (limit {limit})"
        raised.append(raise_alert(kind, subject, detail))
    return raised
