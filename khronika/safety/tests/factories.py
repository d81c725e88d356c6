"""Synthetic registry entries for tests: reports and confirmations of made-up accounts and numbers."""

from __future__ import annotations

from typing import Any

from khronika.safety import services
from khronika.safety.models import Channel, Reason
from khronika.safety.services import Subject


def report_twice(subject: Subject, actor: Any = None, evidence: str = "") -> Any:
    """Two independent reports of ``subject`` (two different staff origins); returns the second."""
    services.report(subject, channel=Channel.STAFF, origin="staff:first", actor=actor, evidence=evidence)
    return services.report(subject, channel=Channel.STAFF, origin="staff:second", actor=actor)


def confirmed(subject: Subject, actor: Any = None, summary: str = "") -> Any:
    """An entry for ``subject`` confirmed on two independent reports."""
    entry = report_twice(subject, actor).entry
    return services.confirm(entry, actor, Reason.TWO_REPORTS, "synthetic", summary)


PHONE = Subject(kind="phone", identifier="+7 900 555-01-23")
ACCOUNT = Subject(kind="account", platform="telegram", identifier="@Synthetic_Lure")
