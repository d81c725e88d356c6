import uuid

from django.urls import reverse

from khronika.testing.factories import ActFactory, EvidenceFactory, IncidentFactory, InformationFactory


def url(incident_id):
    return reverse("records:incident_detail", args=[incident_id])


def test_it_shows_acts_people_by_pseudonym_sources_and_evidence(client, team):
    act = ActFactory(incident__compartment=team.home, incident__narrative="Narrative marker")
    InformationFactory(incident=act.incident, original_text="Source said marker")
    EvidenceFactory(incident=act.incident, sha256="ab" * 32)
    client.force_login(team.documenter)
    response = client.get(url(act.incident.id))
    assert response.status_code == 200
    assert act.victim.pseudonym in response.text
    assert act.victim.family_name not in response.text
    assert "Narrative marker" in response.text
    assert "Source said marker" in response.text
    assert "ab" * 32 in response.text


def test_an_outsider_gets_the_same_404_as_for_a_missing_incident(client, team):
    incident = IncidentFactory(compartment=team.home)
    client.force_login(team.outsider)
    hidden = client.get(url(incident.id))
    missing = client.get(url(uuid.uuid4()))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


def test_an_analyst_sees_coded_facts_but_no_narrative_or_source_text(client, team):
    act = ActFactory(incident__compartment=team.home, incident__narrative="Narrative marker")
    InformationFactory(incident=act.incident, original_text="Source said marker")
    client.force_login(team.analyst)
    response = client.get(url(act.incident.id))
    assert response.status_code == 200
    assert act.act_type.label_en in response.text
    assert "Narrative marker" not in response.text
    assert "Source said marker" not in response.text
    assert act.incident.title not in response.text
