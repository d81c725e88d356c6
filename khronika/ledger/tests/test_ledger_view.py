"""The ledger page: coordinators only, filters, newest first, record labels only where the reader may see."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from khronika.accounts.alerts import raise_alert
from khronika.accounts.models import Alert
from khronika.accounts.roles import Role
from khronika.ledger.models import LedgerEntry
from khronika.ledger.services import record
from khronika.testing.factories import IncidentFactory, PersonFactory, UserFactory

URL = reverse("ledger:ledger_list")


@pytest.fixture
def coordinator(team):
    return UserFactory(username="coord", role=Role.COORDINATOR, compartments=[team.home])


def test_documenters_analysts_and_outsiders_get_404(client, team):
    for user in (team.documenter, team.analyst, team.outsider):
        client.force_login(user)
        assert client.get(URL).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, team):
    assert client.get(URL).status_code == 302


def test_it_lists_entries_newest_first_with_who_did_it(client, team, coordinator):
    first = PersonFactory(compartment=team.home)
    second = PersonFactory(compartment=team.home)
    record(team.documenter, "reveal", first)
    record(team.analyst, "view", second)
    client.force_login(coordinator)
    response = client.get(URL)
    assert response.status_code == 200
    text = response.text
    assert text.index(str(second.id)) < text.index(str(first.id))
    assert "doc" in text and "analyst" in text


def test_it_filters_by_user_action_and_period(client, team, coordinator):
    person = PersonFactory(compartment=team.home)
    other = PersonFactory(compartment=team.home)
    old = PersonFactory(compartment=team.home)
    record(team.documenter, "reveal", person)
    record(team.documenter, "view", other)
    record(team.analyst, "reveal", other)
    record(team.documenter, "reveal", old)
    LedgerEntry.objects.filter(object_id=str(old.id)).update(at=timezone.now() - timedelta(days=10))
    client.force_login(coordinator)
    today = timezone.localdate().isoformat()

    response = client.get(URL, {"actor": f"user:{team.documenter.pk}", "action": "reveal", "start": today})

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["entry"].object_id for row in rows] == [str(person.id)]


def test_the_end_date_includes_that_whole_day(client, team, coordinator):
    person = PersonFactory(compartment=team.home)
    record(team.documenter, "reveal", person)
    client.force_login(coordinator)
    today = timezone.localdate().isoformat()
    assert len(client.get(URL, {"end": today}).context["rows"]) == 1
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert len(client.get(URL, {"end": yesterday}).context["rows"]) == 0


def test_a_reversed_period_is_explained(client, team, coordinator):
    client.force_login(coordinator)
    response = client.get(URL, {"start": "2026-11-10", "end": "2026-11-01"})
    assert "The first date must not be after the second." in response.text


def test_it_pages_by_page_size(client, team, coordinator, settings):
    settings.PAGE_SIZE = 3
    person = PersonFactory(compartment=team.home)
    for _ in range(7):
        record(team.documenter, "view", person)
    client.force_login(coordinator)
    response = client.get(URL, {"action": "view", "page": 3})
    assert [row["entry"].seq for row in response.context["rows"]] == [1]
    assert response.context["page"].paginator.num_pages == 3


def test_it_names_records_the_reader_may_see_and_keeps_others_opaque(client, team, coordinator):
    mine = IncidentFactory(compartment=team.home)
    hidden = PersonFactory(compartment=team.elsewhere)
    record(team.documenter, "view", mine)
    record(team.outsider, "reveal", hidden)
    client.force_login(coordinator)
    response = client.get(URL)
    assert mine.reference in response.text
    assert str(hidden.id) in response.text
    assert hidden.pseudonym not in response.text


def test_it_lists_open_alerts_and_acknowledging_one_is_ledgered(client, team, coordinator):
    alert = raise_alert(Alert.Kind.REVEALS, team.documenter, "21 × reveal in one hour (limit 20)")
    client.force_login(coordinator)
    assert "Many identities revealed in an hour" in client.get(URL).text

    response = client.post(reverse("ledger:alert_acknowledge", args=[alert.pk]))

    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == coordinator and alert.acknowledged_at is not None
    assert LedgerEntry.objects.filter(action="acknowledge", object_id=str(alert.pk)).exists()
    assert "Many identities revealed in an hour" not in client.get(URL).text


def test_acknowledging_is_a_post_for_coordinators_only(client, team):
    alert = raise_alert(Alert.Kind.EXPORTS, team.analyst)
    url = reverse("ledger:alert_acknowledge", args=[alert.pk])
    client.force_login(team.documenter)
    assert client.post(url).status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_the_nav_links_show_only_with_the_capability(client, team, coordinator):
    client.force_login(team.documenter)
    page = client.get(reverse("records:incident_list")).text
    assert URL not in page and reverse("accounts:team_list") not in page
    client.force_login(coordinator)
    page = client.get(reverse("records:incident_list")).text
    assert URL in page and reverse("accounts:team_list") in page
