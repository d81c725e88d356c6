"""Threshold alerts: too many reveals or exports by one account in an hour alert coordinators, once."""

from datetime import timedelta

import pytest
from django.urls import reverse

from khronika.accounts.models import Alert
from khronika.ledger.models import LedgerEntry
from khronika.ledger.services import Event, record, record_events, verify
from khronika.testing.factories import PersonFactory


@pytest.fixture
def limits(settings):
    settings.KHRONIKA_ALERT_REVEALS_PER_HOUR = 3
    settings.KHRONIKA_ALERT_EXPORTS_PER_HOUR = 2
    return settings


def reveal(user, times, person):
    for _ in range(times):
        record(user, "reveal", person)


def test_the_defaults_are_twenty_reveals_and_five_exports(settings):
    assert settings.KHRONIKA_ALERT_REVEALS_PER_HOUR == 20
    assert settings.KHRONIKA_ALERT_EXPORTS_PER_HOUR == 200


def test_no_alert_at_the_threshold_one_at_threshold_plus_one(team, limits):
    person = PersonFactory(compartment=team.home, family_name="Sentinelov")
    reveal(team.documenter, 3, person)
    assert not Alert.objects.exists()

    reveal(team.documenter, 1, person)

    alert = Alert.objects.get()
    assert (alert.kind, alert.subject) == (Alert.Kind.REVEALS, team.documenter)
    assert "Sentinelov" not in alert.detail and person.pseudonym not in alert.detail
    assert verify()[1] is None  # the alert's own ledger entry keeps the chain intact


def test_it_alerts_once_per_hour_per_account_and_kind(team, limits):
    person = PersonFactory(compartment=team.home)
    reveal(team.documenter, 10, person)
    assert Alert.objects.count() == 1

    # An hour and a bit later: the earlier burst and alert fall out of the window.
    earlier = timedelta(minutes=61)
    for entry in LedgerEntry.objects.all():
        LedgerEntry.objects.filter(pk=entry.pk).update(at=entry.at - earlier)
    for alert in Alert.objects.all():
        Alert.objects.filter(pk=alert.pk).update(raised_at=alert.raised_at - earlier)
    reveal(team.documenter, 3, person)
    assert Alert.objects.count() == 1

    reveal(team.documenter, 1, person)
    assert Alert.objects.count() == 2


def test_exports_have_their_own_threshold_and_kind(team, limits):
    events = [Event("export", "records.incident", str(n)) for n in range(2)]
    record_events(team.analyst, events)
    assert not Alert.objects.exists()
    record_events(team.analyst, [Event("export", "records.incident", "x")])
    alert = Alert.objects.get()
    assert (alert.kind, alert.subject) == (Alert.Kind.EXPORTS, team.analyst)


def test_each_account_is_counted_on_its_own(team, limits):
    person = PersonFactory(compartment=team.home)
    reveal(team.documenter, 3, person)
    reveal(team.analyst, 3, person)
    assert not Alert.objects.exists()


def test_other_actions_and_the_command_line_never_alert(team, limits):
    person = PersonFactory(compartment=team.home)
    for _ in range(10):
        record(team.documenter, "view", person)
    record_events(None, [Event("export", "database", f"backup-{n}") for n in range(10)])
    assert not Alert.objects.exists()


def test_reveals_through_the_web_page_are_watched_too(client, team, limits):
    person = PersonFactory(compartment=team.home)
    client.force_login(team.documenter)
    url = reverse("records:person_reveal", args=[person.id])
    for _ in range(4):
        assert client.post(url).status_code == 200
    assert Alert.objects.get().subject == team.documenter
