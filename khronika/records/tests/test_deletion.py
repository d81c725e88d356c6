"""Deleting for good: rows and files go, their data keys with them, and the ledger keeps opaque ids."""

import os

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from khronika.accounts.roles import Role
from khronika.ledger.models import LedgerEntry
from khronika.records.evidence import receive_evidence
from khronika.records.models import Act, Evidence, Incident, Information, Person
from khronika.testing.factories import (
    ActFactory,
    IncidentFactory,
    InformationFactory,
    PersonFactory,
    UserFactory,
)


def coordinator(team):
    return UserFactory(username="coord", role=Role.COORDINATOR, compartments=[team.home])


def test_deleting_an_incident_removes_its_acts_statements_and_files(
    client, team, django_capture_on_commit_callbacks
):
    incident = IncidentFactory(compartment=team.home, narrative="secret narrative")
    act = ActFactory(incident=incident)
    InformationFactory(incident=incident)
    evidence = receive_evidence(incident, SimpleUploadedFile("a.txt", b"synthetic file"), "", team.documenter)
    stored = evidence.file.path
    client.force_login(coordinator(team))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("records:incident_delete", args=[incident.id]))

    assert response.status_code == 302
    assert not Incident.objects.filter(id=incident.id).exists()
    assert not Act.objects.filter(id=act.id).exists()
    assert not Information.objects.filter(incident_id=incident.id).exists()
    assert not Evidence.objects.exists()
    assert not os.path.exists(stored)
    deleted = set(LedgerEntry.objects.filter(action="delete").values_list("object_type", "object_id"))
    assert ("records.incident", str(incident.id)) in deleted and ("records.act", str(act.id)) in deleted


def test_deleting_a_person_keeps_the_acts_without_them(client, team):
    person = PersonFactory(compartment=team.home, given_name="Synthetic")
    act = ActFactory(incident=IncidentFactory(compartment=team.home), victim=person)
    client.force_login(coordinator(team))

    client.post(reverse("records:person_delete", args=[person.id]))

    assert not Person.objects.filter(id=person.id).exists()
    act.refresh_from_db()
    assert act.victim_id is None


def test_a_confirmation_page_comes_first_and_a_get_deletes_nothing(client, team):
    incident = IncidentFactory(compartment=team.home)
    client.force_login(coordinator(team))

    response = client.get(reverse("records:incident_delete", args=[incident.id]))

    assert response.status_code == 200 and b"Delete for good" in response.content
    assert Incident.objects.filter(id=incident.id).exists()


def test_documenters_and_outsiders_cannot_delete(client, team):
    incident = IncidentFactory(compartment=team.home)
    for user in (team.documenter, UserFactory(role=Role.COORDINATOR, compartments=[team.elsewhere])):
        client.force_login(user)
        assert client.post(reverse("records:incident_delete", args=[incident.id])).status_code == 404
    assert Incident.objects.filter(id=incident.id).exists()
