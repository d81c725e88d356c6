"""Whereabouts unknown longer than the escalation time alert coordinators and mark the case, once."""

from datetime import timedelta

from django.utils import timezone

from khronika.accounts.models import Alert
from khronika.aid.escalation import escalate_unknown_whereabouts
from khronika.aid.models import Case
from khronika.aid.tests.factories import DetentionEventFactory
from khronika.ledger.models import LedgerEntry


def disappear(aid, hours_ago, now):
    person = aid.case.persons.get()
    DetentionEventFactory(
        case=aid.case, person=person, kind="detained", occurred_at=now - timedelta(hours=hours_ago + 1)
    )
    return DetentionEventFactory(
        case=aid.case, person=person, kind="whereabouts_unknown", occurred_at=now - timedelta(hours=hours_ago)
    )


def test_unknown_past_the_escalation_time_alerts_coordinators_and_marks_the_case(aid):
    now = timezone.now()
    disappear(aid, 25, now)
    assert escalate_unknown_whereabouts(now) == [aid.case]
    alert = Alert.objects.get(kind=Alert.Kind.WHEREABOUTS_UNKNOWN)
    assert alert.subject is None and str(aid.case.id) in alert.detail
    assert aid.case.reference not in alert.detail
    aid.case.refresh_from_db()
    assert aid.case.escalated_at == now
    assert LedgerEntry.objects.filter(
        action="escalate", object_type="aid.case", object_id=str(aid.case.id)
    ).exists()


def test_it_is_idempotent(aid):
    now = timezone.now()
    disappear(aid, 25, now)
    escalate_unknown_whereabouts(now)
    assert escalate_unknown_whereabouts(now + timedelta(minutes=5)) == []
    assert Alert.objects.filter(kind=Alert.Kind.WHEREABOUTS_UNKNOWN).count() == 1


def test_unknown_for_less_than_the_escalation_time_waits(aid):
    now = timezone.now()
    disappear(aid, 23, now)
    assert escalate_unknown_whereabouts(now) == []
    assert not Alert.objects.exists()


def test_the_escalation_time_is_a_setting(aid, settings):
    settings.AID_WHEREABOUTS_ESCALATION_HOURS = 6
    now = timezone.now()
    disappear(aid, 7, now)
    assert escalate_unknown_whereabouts(now) == [aid.case]


def test_a_person_found_again_is_not_escalated(aid):
    now = timezone.now()
    event = disappear(aid, 30, now)
    DetentionEventFactory(
        case=aid.case, person=event.person, kind="held_at", occurred_at=now - timedelta(hours=1)
    )
    assert escalate_unknown_whereabouts(now) == []


def test_a_second_disappearance_escalates_again(aid):
    now = timezone.now()
    event = disappear(aid, 100, now - timedelta(days=0))
    escalate_unknown_whereabouts(now - timedelta(hours=70))
    DetentionEventFactory(
        case=aid.case, person=event.person, kind="held_at", occurred_at=now - timedelta(hours=60)
    )
    DetentionEventFactory(
        case=aid.case, person=event.person, kind="whereabouts_unknown", occurred_at=now - timedelta(hours=30)
    )
    assert escalate_unknown_whereabouts(now) == [aid.case]
    assert Alert.objects.filter(kind=Alert.Kind.WHEREABOUTS_UNKNOWN).count() == 2


def test_closed_cases_do_not_escalate(aid):
    now = timezone.now()
    disappear(aid, 30, now)
    Case.objects.filter(id=aid.case.id).update(status=Case.Status.CLOSED)
    assert escalate_unknown_whereabouts(now) == []


def test_it_counts_from_the_disappearance_not_from_the_latest_note(aid):
    now = timezone.now()
    event = disappear(aid, 30, now)
    DetentionEventFactory(
        case=aid.case, person=event.person, kind="whereabouts_unknown", occurred_at=now - timedelta(hours=2)
    )
    assert escalate_unknown_whereabouts(now) == [aid.case]
