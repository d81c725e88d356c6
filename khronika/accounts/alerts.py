"""Alerts for coordinators, and the ledger entry that goes with each."""

from __future__ import annotations

from khronika.accounts.models import Alert, User
from khronika.ledger.services import record


def raise_alert(kind: Alert.Kind, subject: User, detail: str = "") -> Alert:
    """Record an alert about ``subject`` for coordinators. ``detail`` must hold no names or narrative."""
    alert = Alert.objects.create(kind=kind, subject=subject, detail=detail)
    record(None, "alert", alert)
    return alert


def open_alerts() -> list[Alert]:
    return list(Alert.objects.filter(acknowledged_at__isnull=True).select_related("subject"))
