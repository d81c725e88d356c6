"""Opening an incident or a person page is ledgered as ``view``: "what did this account open?"."""

from django.urls import reverse

from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import IncidentFactory, PersonFactory


def test_opening_an_incident_writes_a_view_entry(client, team):
    incident = IncidentFactory(compartment=team.home)
    client.force_login(team.documenter)
    assert client.get(reverse("records:incident_detail", args=[incident.id])).status_code == 200
    entry = LedgerEntry.objects.get(action="view")
    assert (entry.actor, entry.object_type, entry.object_id) == (
        f"user:{team.documenter.pk}",
        "records.incident",
        str(incident.id),
    )


def test_opening_a_person_writes_a_view_entry(client, team):
    person = PersonFactory(compartment=team.home)
    client.force_login(team.analyst)
    assert client.get(reverse("records:person_detail", args=[person.id])).status_code == 200
    entry = LedgerEntry.objects.get(action="view")
    assert (entry.actor, entry.object_type, entry.object_id) == (
        f"user:{team.analyst.pk}",
        "records.person",
        str(person.id),
    )


def test_a_refused_page_writes_nothing(client, team):
    incident = IncidentFactory(compartment=team.home)
    person = PersonFactory(compartment=team.home)
    client.force_login(team.outsider)
    assert client.get(reverse("records:incident_detail", args=[incident.id])).status_code == 404
    assert client.get(reverse("records:person_detail", args=[person.id])).status_code == 404
    assert not LedgerEntry.objects.exists()
