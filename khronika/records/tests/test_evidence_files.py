"""Evidence files: hashed on arrival, handed out only inside the compartment, every hand-out recorded."""

import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from khronika.ledger.models import LedgerEntry
from khronika.records.models import CustodyEntry, Evidence
from khronika.testing.factories import IncidentFactory

CONTENT = b"synthetic photo bytes"


def upload(client, incident, content=CONTENT, name="photo.jpg"):
    return client.post(
        reverse("records:evidence_add", args=[incident.id]),
        {"file": SimpleUploadedFile(name, content), "description": "synthetic"},
    )


def test_an_upload_is_hashed_on_arrival_and_its_receipt_recorded(client, team):
    incident = IncidentFactory(compartment=team.home)
    client.force_login(team.documenter)

    response = upload(client, incident)

    assert response.status_code == 302
    evidence = Evidence.objects.get(incident=incident)
    assert evidence.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert evidence.size == len(CONTENT)
    assert list(evidence.custody.values_list("action", flat=True)) == [CustodyEntry.Action.RECEIVED]
    assert LedgerEntry.objects.filter(action="create", object_id=str(evidence.id)).exists()


def test_a_download_is_an_attachment_and_is_recorded(client, team):
    incident = IncidentFactory(compartment=team.home)
    client.force_login(team.documenter)
    upload(client, incident)
    evidence = Evidence.objects.get(incident=incident)

    response = client.get(reverse("records:evidence_download", args=[evidence.id]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CONTENT
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    assert evidence.custody.filter(action=CustodyEntry.Action.VIEWED, actor=team.documenter).exists()
    assert LedgerEntry.objects.filter(action="download", object_id=str(evidence.id)).exists()


def test_outsiders_and_analysts_get_the_404_of_a_missing_file(client, team):
    incident = IncidentFactory(compartment=team.home)
    client.force_login(team.documenter)
    upload(client, incident)
    evidence = Evidence.objects.get(incident=incident)

    for user in (team.outsider, team.analyst):
        client.force_login(user)
        response = client.get(reverse("records:evidence_download", args=[evidence.id]))
        assert response.status_code == 404
    assert not evidence.custody.filter(action=CustodyEntry.Action.VIEWED).exists()


def test_an_outsider_cannot_add_files_to_an_incident_it_cannot_see(client, team):
    incident = IncidentFactory(compartment=team.home)
    client.force_login(team.outsider)

    assert upload(client, incident).status_code == 404
    assert not Evidence.objects.exists()


def test_an_oversized_file_is_refused_with_a_clear_message_and_nothing_is_kept(client, team, settings):
    settings.EVIDENCE_MAX_BYTES = 10
    incident = IncidentFactory(compartment=team.home)
    client.force_login(team.documenter)
    before = LedgerEntry.objects.count()

    response = upload(client, incident)

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "larger than" in page
    assert not Evidence.objects.exists()
    assert LedgerEntry.objects.count() == before + 1  # only the "view" of the incident page just opened
