"""Contacts, messages and codes are crypto-shredded seven days after a check-in closes."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from khronika.checkins.models import CheckIn
from khronika.checkins.services import Outcome, create_checkin, shred_closed, use_code
from khronika.ledger.models import LedgerEntry


def closed_days_ago(days: float) -> CheckIn:
    made = create_checkin(minutes=30, contacts=["synthetic@example.org"], message="m", language="en")
    assert use_code(made.cancel_code) == Outcome.CANCELLED
    CheckIn.objects.filter(pk=made.checkin.pk).update(closed_at=timezone.now() - timedelta(days=days))
    return made.checkin


def test_a_checkin_closed_more_than_seven_days_ago_is_shredded(db):
    old = closed_days_ago(7.1)
    assert shred_closed() == 1

    old.refresh_from_db()
    assert old.wrapped_key is None and old.contacts is None and old.message is None
    assert old.cancel_lookup is None and old.duress_lookup is None
    assert old.shredded_at is not None
    assert LedgerEntry.objects.filter(action="shred", object_id=str(old.pk)).count() == 1
    assert shred_closed() == 0  # idempotent


def test_a_recently_closed_or_open_checkin_is_kept(db):
    recent = closed_days_ago(6.9)
    still_open = create_checkin(minutes=30, contacts=["synthetic@example.org"], message="m", language="en")
    assert shred_closed() == 0
    for checkin in (recent, still_open.checkin):
        checkin.refresh_from_db()
        assert checkin.wrapped_key is not None


def test_a_shredded_checkins_code_is_unknown(db):
    made = create_checkin(minutes=30, contacts=["synthetic@example.org"], message="m", language="en")
    use_code(made.duress_code)
    CheckIn.objects.update(closed_at=timezone.now() - timedelta(days=8))
    shred_closed()
    assert use_code(made.cancel_code) == Outcome.UNKNOWN
