from datetime import date

import pytest
from django.urls import reverse

from khronika.records.models import Term
from khronika.testing.factories import (
    ActFactory,
    IncidentFactory,
    InformationFactory,
    place,
    term,
)

URL = reverse("records:incident_list")


@pytest.fixture
def incidents(team):
    parent = Term.objects.filter(vocabulary__code="act_type", children__isnull=False).first()
    child = parent.children.first()
    other = (
        Term.objects.filter(vocabulary__code="act_type", children__isnull=True).exclude(parent=parent).first()
    )
    dagestan = IncidentFactory(
        compartment=team.home,
        title="Phone search in Makhachkala",
        place=place("RU-DA"),
        date_start=date(2025, 11, 3),
        date_end=date(2025, 11, 3),
        status="verified",
    )
    ActFactory(incident=dagestan, act_type=child, perpetrator_type=term("perpetrator_type"))
    chechnya = IncidentFactory(
        compartment=team.home,
        title="Detention in Grozny",
        place=place("RU-CE"),
        date_start=date(2023, 5, 1),
        date_end=date(2023, 5, 31),
        date_precision="month",
    )
    ActFactory(incident=chechnya, act_type=other)
    InformationFactory(incident=chechnya)
    hidden = IncidentFactory(compartment=team.elsewhere, title="Elsewhere incident", place=place("RU-DA"))
    return {
        "parent": parent,
        "child": child,
        "other": other,
        "dagestan": dagestan,
        "chechnya": chechnya,
        "hidden": hidden,
    }


def refs(response):
    return {incident.reference for incident in response.context["page"]}


def test_it_lists_only_incidents_of_the_users_compartments(client, team, incidents):
    client.force_login(team.documenter)
    response = client.get(URL)
    assert response.status_code == 200
    assert refs(response) == {incidents["dagestan"].reference, incidents["chechnya"].reference}
    assert "Elsewhere incident" not in response.text


def test_it_filters_by_a_broad_act_type_and_finds_its_narrower_kinds(client, team, incidents):
    client.force_login(team.documenter)
    response = client.get(URL, {"act_type": incidents["parent"].code})
    assert refs(response) == {incidents["dagestan"].reference}


def test_it_filters_by_region_period_status_perpetrator_and_source(client, team, incidents):
    client.force_login(team.documenter)
    assert refs(client.get(URL, {"region": "RU-CE"})) == {incidents["chechnya"].reference}
    assert refs(client.get(URL, {"date_from": "2025-01", "date_to": "2025"})) == {
        incidents["dagestan"].reference
    }
    assert refs(client.get(URL, {"date_to": "2023-05-15"})) == {incidents["chechnya"].reference}
    assert refs(client.get(URL, {"status": "verified"})) == {incidents["dagestan"].reference}
    perpetrator = term("perpetrator_type")
    assert refs(client.get(URL, {"perpetrator_type": perpetrator.code})) == {incidents["dagestan"].reference}
    source_type = term("source_type")
    assert refs(client.get(URL, {"source_type": source_type.code})) == {incidents["chechnya"].reference}


def test_text_search_matches_every_word_in_title_or_narrative(client, team, incidents):
    client.force_login(team.documenter)
    assert refs(client.get(URL, {"q": "grozny detention"})) == {incidents["chechnya"].reference}
    assert refs(client.get(URL, {"q": "grozny phone"})) == set()
    assert refs(client.get(URL, {"q": "Elsewhere"})) == set()


def test_an_analyst_searches_references_only_and_never_sees_titles(client, team, incidents):
    client.force_login(team.analyst)
    assert refs(client.get(URL, {"q": "Grozny"})) == set()
    response = client.get(URL, {"q": incidents["chechnya"].reference})
    assert refs(response) == {incidents["chechnya"].reference}
    assert "Detention in Grozny" not in response.text


def test_it_pages_through_many_incidents(client, team, settings):
    settings.PAGE_SIZE = 3
    for _ in range(7):
        IncidentFactory(compartment=team.home)
    client.force_login(team.documenter)
    first = client.get(URL)
    assert len(first.context["page"]) == 3
    assert first.context["page"].paginator.num_pages == 3
    last = client.get(URL, {"page": 3})
    assert len(last.context["page"]) == 1


def test_a_bad_filter_value_is_explained_not_an_error(client, team, incidents):
    client.force_login(team.documenter)
    response = client.get(URL, {"date_from": "last week"})
    assert response.status_code == 200
    assert "2025-11-03" in response.text  # the help says how to write a date


def test_roles_without_records_get_not_found(client, team):
    from khronika.testing.factories import UserFactory

    lawyer = UserFactory(role="lawyer", compartments=[team.home])
    client.force_login(lawyer)
    assert client.get(URL).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, reference_data):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
