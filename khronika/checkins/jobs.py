"""Worker jobs of the check-ins: the alert at the deadline, crypto-shredding, and a mail-server check.

None of them needs the vault (``needs_vault`` stays False): they use the alerts key, so they run while
the instance is sealed, after a restart and after ``khronika panic``. Each is idempotent.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from khronika.checkins import delivery, services
from khronika.checkins.models import CheckIn
from khronika.ledger.services import record
from khronika.worker.jobs import JobError, register


@register(services.FIRE_JOB)
def fire(payload: dict[str, Any]) -> None:
    """At the deadline (or right after a code): alert the contacts unless the check-in was cancelled."""
    checkin = CheckIn.objects.filter(pk=payload["checkin"]).first()
    if checkin is None:
        return
    now = timezone.now()
    if checkin.state == CheckIn.State.OPEN:
        if checkin.deadline > now:
            raise JobError("The check-in's deadline has not come yet.")  # a clock step: try again soon
        with transaction.atomic():  # one commit: a burst of alerts is bound by the database's writes
            missed = services.close_missed(checkin, now)
            if missed:
                record(None, "alert", checkin)
        if missed:
            checkin.state, checkin.closed_at = CheckIn.State.MISSED, now
        else:  # a code was typed at the same moment: whatever it did stands
            checkin.refresh_from_db()
    # A duress alert is not ledgered apart from its "close": the ledger must not tell it from a cancel.
    if checkin.alerted:
        delivery.send_alert(checkin)


@register("checkins.shred", every=600)
def shred(payload: dict[str, Any]) -> None:
    services.shred_closed()


@register("checkins.mail_probe", every=300)
def mail_probe(payload: dict[str, Any]) -> None:
    """Keep the person's page honest about the mail server while check-ins are open."""
    if CheckIn.objects.filter(state=CheckIn.State.OPEN).exists():
        delivery.probe_mail_server()
