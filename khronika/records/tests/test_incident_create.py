"""Documenting one violation on one screen: incident, act, victim, perpetrator unit and source."""

import pytest
from django.urls import reverse

from khronika.ledger.models import LedgerEntry
from khronika.ledger.services import verify
from khronika.records.models import Act, Incident, Information, Organisation, Person, Source
from khronika.testing.factories import PersonFactory, term

URL = reverse("records:incident_create")


def form_data(team, **overrides):
    data = {
        "incident-title": "Detention after a staged date",
        "incident-narrative": "A synthetic account of what happened.",
        "incident-date": "2025-11",
        "incident-place": "RU-DA",
        "incident-status": "reported",
        "incident-confidentiality": "restricted",
        "incident-compartment": str(team.home.pk),
        "acts-TOTAL_FORMS": "2",
        "acts-INITIAL_FORMS": "0",
        "acts-MIN_NUM_FORMS": "0",
        "acts-MAX_NUM_FORMS": "50",
        "acts-0-act_type": term("act_type").code,
        "acts-0-victim_given_name": "Тестовый",
        "acts-0-victim_family_name": "Человек",
        "acts-0-perpetrator_type": term("perpetrator_type").code,
        "acts-0-new_unit_name": "Synthetic police unit",
        "acts-0-days_detained": "2",
        "source-source_type": term("source_type").code,
        "source-source_name": "Synthetic lawyer",
        "source-reliability": "B",
        "source-credibility": "2",
        "source-original_text": "He was held for two days.",
    }
    data.update(overrides)
    return data


def test_it_creates_the_incident_with_act_victim_unit_and_source_together(client, team):
    client.force_login(team.documenter)
    response = client.post(URL, form_data(team))
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("records:incident_detail", args=[incident.id])
    assert incident.compartment == team.home
    assert incident.date_precision == "month"
    assert str(incident.date_start) == "2025-11-01" and str(incident.date_end) == "2025-11-30"
    assert incident.region.code == "RU-DA"
    act = Act.objects.get()
    assert act.victim.family_name == "Человек"
    assert act.victim.compartment == team.home
    assert act.perpetrator_unit.name_en == "Synthetic police unit"
    assert act.days_detained == 2
    information = Information.objects.get()
    assert information.source.name == "Synthetic lawyer"
    assert information.credibility == "2"
    actions = set(LedgerEntry.objects.values_list("action", "object_type"))
    assert {
        ("create", "records.incident"),
        ("create", "records.act"),
        ("create", "records.person"),
        ("create", "records.organisation"),
        ("create", "records.source"),
        ("create", "records.information"),
    } <= actions
    assert verify()[1] is None


def test_it_links_an_existing_victim_by_pseudonym(client, team):
    person = PersonFactory(compartment=team.home)
    client.force_login(team.documenter)
    data = form_data(
        team,
        **{
            "acts-0-victim_given_name": "",
            "acts-0-victim_family_name": "",
            "acts-0-victim_pseudonym": person.pseudonym.lower(),
        },
    )
    assert client.post(URL, data).status_code == 302
    assert Act.objects.get().victim == person
    assert Person.objects.count() == 1


def assert_nothing_written():
    assert Incident.objects.count() == 0
    assert Act.objects.count() == 0
    assert Person.objects.count() == 0
    assert Source.objects.count() == 0
    assert Organisation.objects.count() == 0
    assert LedgerEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"incident-title": ""}, "This field is required."),
        ({"incident-date": "03.11.2025"}, "Write the date as 2025-11-03, 2025-11 or 2025."),
        (
            {"incident-date": "2025-11-05", "incident-date_end": "2025-11-01"},
            "The end cannot be before the start.",
        ),
        ({"acts-0-act_type": ""}, "Choose what was done, or leave the whole row empty."),
        ({"acts-0-victim_pseudonym": "P-NOSUCH1"}, "No person with the pseudonym P-NOSUCH1 is known to you."),
        ({"acts-0-perpetrator_type": ""}, "Say what kind of unit the new one is."),
        ({"source-source_name": ""}, "A new source needs both a type and a name."),
        ({"acts-0-days_detained": "-4"}, "Ensure this value is greater than or equal to 0."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_written(client, team, overrides, message):
    client.force_login(team.documenter)
    response = client.post(URL, form_data(team, **overrides))
    assert response.status_code == 400
    assert message in response.text
    assert "nothing has been saved yet" in response.text
    assert_nothing_written()


def test_an_incident_needs_at_least_one_act(client, team):
    client.force_login(team.documenter)
    data = {k: v for k, v in form_data(team).items() if not k.startswith("acts-0-")}
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "Record at least one act" in response.text
    assert_nothing_written()


def test_a_person_from_another_compartment_cannot_be_linked(client, team):
    """Probing pseudonyms from a compartment one does not belong to reveals nothing."""
    stranger = PersonFactory(compartment=team.elsewhere)
    client.force_login(team.documenter)
    data = form_data(
        team,
        **{
            "acts-0-victim_given_name": "",
            "acts-0-victim_family_name": "",
            "acts-0-victim_pseudonym": stranger.pseudonym,
        },
    )
    response = client.post(URL, data)
    assert response.status_code == 400
    assert f"No person with the pseudonym {stranger.pseudonym} is known to you." in response.text


def test_it_cannot_file_into_a_compartment_the_user_is_not_in(client, team):
    client.force_login(team.documenter)
    response = client.post(URL, form_data(team, **{"incident-compartment": str(team.elsewhere.pk)}))
    assert response.status_code == 400
    assert_nothing_written()


def test_analysts_cannot_create_incidents(client, team):
    client.force_login(team.analyst)
    assert client.get(URL).status_code == 404
    assert client.post(URL, form_data(team)).status_code == 404
    assert_nothing_written()
