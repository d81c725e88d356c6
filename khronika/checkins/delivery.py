"""Sending a check-in's alert to its contacts, and telling the person when an alert may not leave.

An alert carries the person's own message and nothing else we know (no deadline, no place, no
organisation name beyond the sender address), marked "missed" or "duress". One message per contact,
each with its own idempotency key (``checkin-<id>-<n>``, the Message-ID or the webhook's
Idempotency-Key), so a resend after a killed worker can be dropped by the receiver.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from khronika.checkins.alerts_key import AlertsKeyMissing, open_secrets
from khronika.checkins.models import CheckIn, MailHealth
from khronika.vault.crypto import TamperedCiphertext
from khronika.worker import notify
from khronika.worker.jobs import PermanentJobError, backlog

_health_cache: dict[str, object] = {}


def is_webhook(contact: str) -> bool:
    return contact.startswith(("https://", "http://"))


def record_mail_health(ok: bool) -> None:
    """Remember the outcome of the last attempt to reach the mail server. Written only when it changes
    or once a minute, so a burst of ten thousand alerts does not write ten thousand rows."""
    now = timezone.now()
    last = _health_cache.get("state")
    written = _health_cache.get("at")
    if last == ok and isinstance(written, type(now)) and now - written < timedelta(seconds=60):
        return
    MailHealth.objects.update_or_create(pk=1, defaults={"checked_at": now, "ok": ok})
    _health_cache.update(state=ok, at=now)


def send_alert(checkin: CheckIn) -> None:
    """Send to every contact not yet served; raise ``DeliveryError`` so the queue retries the rest.

    Idempotent: positions that accepted are stored in ``delivered`` before the next one is tried.
    """
    if checkin.wrapped_key is None or checkin.contacts is None or checkin.message is None:
        return  # shredded: nothing left to send
    try:
        contacts, message = open_secrets(
            str(checkin.pk), checkin.wrapped_key, checkin.contacts, checkin.message
        )
    except AlertsKeyMissing:
        raise PermanentJobError(
            "The alerts key was destroyed (panic --destroy-keys), so this alert cannot be opened or sent."
        ) from None
    except TamperedCiphertext:
        raise PermanentJobError(
            "This check-in's alert cannot be opened: its key or data was changed."
        ) from None
    duress = checkin.state == CheckIn.State.DURESS
    with translation.override(checkin.language):
        subject = (
            _("Check-in alert: the duress code was used") if duress else _("Check-in alert: no check-in")
        )
    delivered, refused = set(checkin.delivered), set(checkin.refused)
    failed = 0
    for position, contact in enumerate(contacts):
        if position in delivered or position in refused:
            continue
        key = f"checkin-{checkin.pk.hex}-{position}"
        try:
            if is_webhook(contact):
                event = "checkin.duress" if duress else "checkin.missed"
                notify.send_webhook(contact, {"event": event, "message": message}, key=key)
            else:
                try:
                    notify.send_email(contact, subject, message, message_id=key)
                except notify.DeliveryError:
                    record_mail_health(False)
                    raise
                record_mail_health(True)
        except PermanentJobError:
            refused.add(position)
        except notify.DeliveryError:
            failed += 1
            continue
        else:
            delivered.add(position)
        CheckIn.objects.filter(pk=checkin.pk).update(delivered=sorted(delivered), refused=sorted(refused))
    if failed:
        raise notify.DeliveryError(f"{failed} of {len(contacts)} contacts did not accept the alert yet.")
    if refused:
        raise PermanentJobError(f"{len(refused)} of {len(contacts)} contacts can never receive this alert.")


def probe_mail_server() -> bool:
    """Connect to the mail server and say hello, without sending anything; remember the outcome."""
    if not settings.KHRONIKA_SMTP_HOST:
        return False
    try:
        with smtplib.SMTP(
            settings.KHRONIKA_SMTP_HOST, settings.KHRONIKA_SMTP_PORT, timeout=10, local_hostname="localhost"
        ) as smtp:
            if settings.KHRONIKA_SMTP_STARTTLS:
                smtp.starttls(context=ssl.create_default_context())
            ok = smtp.noop()[0] == 250
    except (smtplib.SMTPException, ssl.SSLError, OSError):
        ok = False
    record_mail_health(ok)
    return ok


def delivery_warning() -> str:
    """A plain sentence for the person's page when an alert cannot be guaranteed to leave, else ""."""
    if not settings.KHRONIKA_SMTP_HOST:
        return _(
            "This service has no mail server set up, so e-mail alerts cannot be sent. "
            "Tell someone yourself where you are going."
        )
    health = MailHealth.objects.filter(pk=1).first()
    if health is not None and not health.ok:
        return _(
            "Our last attempt to reach the mail server failed: an alert may be late or may not arrive. "
            "Tell someone yourself where you are going."
        )
    if backlog("checkins.").oldest_due_seconds > 60:
        return _(
            "Alerts are waiting to be sent: the alert service may be stopped. "
            "Tell someone yourself where you are going."
        )
    return ""
