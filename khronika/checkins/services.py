"""Setting, closing and firing check-ins. Views and jobs call these; each writes the ledger.

A check-in is closed exactly once, by whichever comes first: a code typed by the person (cancel or
duress) or the worker finding the deadline passed. Each of these is a conditional UPDATE on
``state = open``, so a code typed at the very second the worker fires cannot both cancel and alert.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from khronika.checkins.alerts_key import code_lookup, seal_secrets
from khronika.checkins.models import CheckIn
from khronika.intake.receipts import normalize_phrase, words
from khronika.ledger.services import Event, record, record_events
from khronika.worker.jobs import enqueue

CODE_WORDS = 4
FIRE_JOB = "checkins.fire"


@dataclass(frozen=True)
class NewCheckIn:
    checkin: CheckIn
    cancel_code: str
    duress_code: str


def new_code(language: str) -> str:
    """Four words from the receipt-phrase list of ``language``: easy to say on the phone, and the
    cancel and duress codes look exactly alike."""
    vocabulary = words(language)
    return " ".join(secrets.choice(vocabulary) for _ in range(CODE_WORDS))


def fire_key(checkin: CheckIn) -> str:
    return f"checkin-{checkin.pk.hex}-deadline"


def create_checkin(
    *, minutes: int, contacts: list[str], message: str, language: str, actor: Any = None
) -> NewCheckIn:
    """Store a check-in, queue its alert at the deadline, and return the two codes (shown once)."""
    now = timezone.now()
    checkin = CheckIn(language=language, deadline=now + timedelta(minutes=minutes), created_at=now)
    cancel_code = new_code(language)
    duress_code = new_code(language)
    while duress_code == cancel_code:
        duress_code = new_code(language)
    checkin.cancel_lookup = code_lookup(normalize_phrase(cancel_code), create=True)
    checkin.duress_lookup = code_lookup(normalize_phrase(duress_code))
    checkin.wrapped_key, checkin.contacts, checkin.message = seal_secrets(str(checkin.pk), contacts, message)
    checkin.contact_count = len(contacts)
    with transaction.atomic():
        checkin.save(force_insert=True)
        enqueue(
            FIRE_JOB, {"checkin": str(checkin.pk)}, run_at=checkin.deadline, idempotency_key=fire_key(checkin)
        )
        record(actor, "create", checkin)
    return NewCheckIn(checkin, cancel_code, duress_code)


class Outcome:
    """What the person's screen may show after a code: never whether the code was the duress one."""

    CANCELLED = "cancelled"  # cancelled, or the duress code (the alert is on its way)
    TOO_LATE = "too_late"  # the deadline passed and the contacts were alerted
    UNKNOWN = "unknown"  # no check-in has this code (a typo, or shredded)


def use_code(code: str) -> str:
    """Close the check-in a typed code belongs to and return what the screen shows (an ``Outcome``).

    Threat: a captor watching the screen, or timing the answer. Both codes take the same path: one
    lookup query for either, one conditional UPDATE, one job queued (for a cancel the alert job finds
    the check-in cancelled and sends nothing) and one ledger entry with the same action; the view
    then pads the answer to a fixed time.
    """
    lookup = code_lookup(normalize_phrase(code))
    now = timezone.now()
    with transaction.atomic():
        checkin = CheckIn.objects.filter(Q(cancel_lookup=lookup) | Q(duress_lookup=lookup)).first()
        if checkin is None:
            return Outcome.UNKNOWN
        duress = secrets.compare_digest(checkin.duress_lookup or "", lookup)
        new_state = CheckIn.State.DURESS if duress else CheckIn.State.CANCELLED
        closed = CheckIn.objects.filter(pk=checkin.pk, state=CheckIn.State.OPEN).update(
            state=new_state, closed_at=now
        )
        if closed:
            enqueue(
                FIRE_JOB,
                {"checkin": str(checkin.pk)},
                run_at=now,
                idempotency_key=f"checkin-{checkin.pk.hex}-code",
            )
            record(None, "close", checkin)
            return Outcome.CANCELLED
        state = CheckIn.objects.filter(pk=checkin.pk).values_list("state", flat=True).get()
    return Outcome.TOO_LATE if state == CheckIn.State.MISSED else Outcome.CANCELLED


def close_missed(checkin: CheckIn, now: datetime) -> bool:
    """The worker's half of the race: mark an open check-in past its deadline as missed."""
    missed = CheckIn.objects.filter(pk=checkin.pk, state=CheckIn.State.OPEN, deadline__lte=now).update(
        state=CheckIn.State.MISSED, closed_at=now
    )
    return missed == 1


def shred_closed(now: datetime | None = None, *, batch: int = 500) -> int:
    """Crypto-shred check-ins closed more than ``CHECKINS_KEEP_DAYS`` ago: delete the wrapped data key,
    the ciphertexts and the code hashes. Returns how many. Idempotent: shredded rows are skipped."""
    when = now or timezone.now()
    cutoff = when - timedelta(days=settings.CHECKINS_KEEP_DAYS)
    due = CheckIn.objects.filter(closed_at__lt=cutoff, shredded_at__isnull=True)
    ids = list(due.values_list("pk", flat=True)[:batch])
    if not ids:
        return 0
    with transaction.atomic():
        shredded = CheckIn.objects.filter(pk__in=ids, shredded_at__isnull=True).update(
            wrapped_key=None,
            contacts=None,
            message=None,
            cancel_lookup=None,
            duress_lookup=None,
            shredded_at=when,
        )
        record_events(None, [Event("shred", CheckIn._meta.label_lower, str(pk)) for pk in ids])
    return shredded


# --- A cap on new check-ins ------------------------------------------------------------------------
# The public form makes the server write to any address at a time of the sender's choosing, so a flood
# could turn it into a mail cannon. As for intake (intake/flood.py) the cap is per process, in memory,
# and knows nothing about who sends: no address is ever counted or kept.

_lock = threading.Lock()
_window = [0.0, 0]


def allow_new_checkin(now: float | None = None) -> bool:
    moment = time.monotonic() if now is None else now
    with _lock:
        if moment - _window[0] >= 60:
            _window[0], _window[1] = moment, 0
        if _window[1] >= settings.CHECKINS_MAX_PER_MINUTE:
            return False
        _window[1] += 1
        return True
