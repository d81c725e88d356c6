"""The moderation rules: one report never confirms; confirmations lapse; retraction is immediate;
every decision is ledgered with its reason and opaque ids only."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from khronika.ledger.models import LedgerEntry
from khronika.safety import feed, lookup, services
from khronika.safety.models import Channel, Decision, Entry, Reason, State
from khronika.safety.normalize import lookup_identifier
from khronika.safety.services import Refused, Subject
from khronika.safety.tests.factories import ACCOUNT, PHONE, confirmed, report_twice
from khronika.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(db):
    return UserFactory(role="coordinator")


def _bucket(identifier: str) -> tuple[list[str], str]:
    """The answer's suffixes for ``identifier``'s bucket, and the identifier's own suffix."""
    key = services.own_key()
    prefix, suffix = lookup.split(lookup.lookup_hash(identifier, bytes.fromhex(key.key), key.iterations))
    body = json.loads(services.answer(key.key_id, prefix) or b"")
    return body["suffixes"], suffix


PHONE_ID = lookup_identifier("phone", "+79005550123")


def test_one_report_never_confirms(coordinator):
    entry = services.report(PHONE, channel=Channel.STAFF, origin="staff:1", actor=coordinator).entry
    with pytest.raises(Refused, match="not two independent reports"):
        services.confirm(entry, coordinator, Reason.TWO_REPORTS)
    entry.refresh_from_db()
    assert entry.state == State.UNVERIFIED
    suffixes, mine = _bucket(PHONE_ID)
    assert mine not in suffixes


def test_two_reports_from_one_source_are_not_independent(coordinator):
    services.report(PHONE, channel=Channel.FOLLOW_UP, origin="case:7", actor=coordinator)
    entry = services.report(PHONE, channel=Channel.FOLLOW_UP, origin="case:7", actor=coordinator).entry
    assert entry.reports.count() == 2
    assert services.independent_reports(entry) == 1
    with pytest.raises(Refused):
        services.confirm(entry, coordinator, Reason.TWO_REPORTS)


def test_two_independent_reports_let_a_coordinator_confirm_and_the_lookup_finds_it(coordinator):
    entry = report_twice(PHONE, coordinator).entry
    assert Entry.objects.count() == 1, "the second report joins the first one's entry"
    services.confirm(entry, coordinator, Reason.TWO_REPORTS, "two callers, unrelated")
    suffixes, mine = _bucket(PHONE_ID)
    assert mine in suffixes
    assert services.check_on_server(Subject(kind="phone", identifier="8 900 555 01 23"))


def test_a_single_report_with_evidence_can_be_confirmed_on_the_coordinators_judgement(coordinator):
    bare = services.report(ACCOUNT, channel=Channel.STAFF, origin="staff:1", actor=coordinator).entry
    with pytest.raises(Refused, match="evidence"):
        services.confirm(bare, coordinator, Reason.EVIDENCE)
    entry = services.report(
        ACCOUNT,
        channel=Channel.STAFF,
        origin="staff:2",
        actor=coordinator,
        evidence="incident K-0001 screenshots",
    ).entry
    services.confirm(entry, coordinator, Reason.EVIDENCE, "screenshots match the detention")
    assert Entry.objects.get(id=entry.id).state == State.CONFIRMED


def test_a_confirmation_lapses_after_the_configured_days_unless_renewed(coordinator, settings):
    settings.SAFETY_CONFIRMATION_DAYS = 30
    entry = confirmed(PHONE, coordinator)
    assert entry.confirmed_until - timezone.now() == pytest.approx(
        timedelta(days=30), abs=timedelta(minutes=1)
    )

    Entry.objects.filter(id=entry.id).update(confirmed_until=timezone.now() - timedelta(seconds=1))
    suffixes, mine = _bucket(PHONE_ID)
    assert mine not in suffixes, "a lapsed warning leaves the lookup at once, before expire runs"

    assert services.expire_lapsed() == 1
    entry.refresh_from_db()
    assert (entry.state, entry.hash_prefix, entry.hash_suffix) == (State.EXPIRED, None, "")
    assert Decision.objects.filter(entry=entry, action="expire", reason=Reason.LAPSED).exists()


def test_renewing_extends_the_confirmation(coordinator, settings):
    settings.SAFETY_CONFIRMATION_DAYS = 10
    entry = confirmed(PHONE, coordinator)
    Entry.objects.filter(id=entry.id).update(confirmed_until=timezone.now() + timedelta(days=1))
    entry.refresh_from_db()
    services.renew(entry, coordinator, Reason.STILL_ACTIVE, "new victims this month")
    entry.refresh_from_db()
    assert entry.confirmed_until > timezone.now() + timedelta(days=9)


def test_retraction_removes_the_entry_from_lookups_and_the_feed_at_once(coordinator):
    entry = confirmed(PHONE, coordinator)
    _, mine = _bucket(PHONE_ID)
    full = lookup.prefix_text(entry.hash_prefix) + mine
    assert full in feed.export_feed().decode()

    services.retract(entry, coordinator, Reason.RECOVERED, "the owner has the number back")

    suffixes, _ = _bucket(PHONE_ID)
    assert mine not in suffixes
    assert full not in feed.export_feed().decode()
    assert not services.check_on_server(PHONE)


def test_reports_from_before_a_retraction_do_not_count_again(coordinator):
    entry = confirmed(PHONE, coordinator)
    services.retract(entry, coordinator, Reason.FALSE_REPORT)
    again = services.report(PHONE, channel=Channel.STAFF, origin="staff:third", actor=coordinator).entry
    assert again.id == entry.id and again.state == State.UNVERIFIED
    assert services.independent_reports(again) == 1
    with pytest.raises(Refused):
        services.confirm(again, coordinator, Reason.TWO_REPORTS)


def test_places_and_patterns_need_public_wording_from_the_coordinator(coordinator, kazan):
    place = Subject(kind="place", town=kazan, address="Synthetic café, 1 Example street")
    entry = report_twice(place, coordinator).entry
    assert entry.summary == "", "the reporter's words are never published"
    with pytest.raises(Refused, match="public page"):
        services.confirm(entry, coordinator, Reason.TWO_REPORTS)
    services.confirm(entry, coordinator, Reason.TWO_REPORTS, summary="Men were detained after dates here.")
    assert [e.id for e in services.public_warnings()] == [entry.id]


def test_every_decision_is_ledgered_with_its_reason_and_opaque_ids_only(coordinator):
    entry = confirmed(PHONE, coordinator)
    services.renew(entry, coordinator, Reason.STILL_ACTIVE)
    services.retract(entry, coordinator, Reason.FALSE_REPORT, "planted by the synthetic adversary")
    actions = list(
        LedgerEntry.objects.filter(object_type="safety.entry", object_id=str(entry.id))
        .order_by("seq")
        .values_list("action", "actor")
    )
    assert actions == [
        ("create", f"user:{coordinator.pk}"),
        ("confirm:two-reports", f"user:{coordinator.pk}"),
        ("renew:still-active", f"user:{coordinator.pk}"),
        ("retract:false-report", f"user:{coordinator.pk}"),
    ]
    text = " ".join(str(row) for row in LedgerEntry.objects.values_list())
    assert "5550123" not in text and "planted" not in text


def test_two_anonymous_submissions_are_independent_but_one_case_is_one_source(coordinator):
    case = type("SyntheticCase", (), {"pk": "c0ffee"})()
    services.report_from_followup(case, PHONE, coordinator)
    entry = services.report_from_followup(case, PHONE, coordinator).entry
    assert services.independent_reports(entry) == 1
    services.report_from_intake("submission-1", PHONE, coordinator)
    services.report_from_intake("submission-2", PHONE, coordinator)
    assert services.independent_reports(entry) == 3
    assert set(entry.reports.values_list("channel", flat=True)) == {Channel.FOLLOW_UP, Channel.INTAKE}
