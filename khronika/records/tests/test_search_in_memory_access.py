"""A text search answered by the in-memory index keeps to the user's compartments, like ``visible()``."""

import datetime

import pytest
from django.urls import reverse

from khronika.accounts.duress import ensure_decoy_workspace
from khronika.records import search_index
from khronika.records.queries import incident_page
from khronika.records.search_index import Matches
from khronika.testing.factories import ActFactory, IncidentFactory, place, term


@pytest.fixture(params=["from few candidates", "along the list order"], autouse=True)
def plan(request, monkeypatch):
    """Both of the index's plans: starting from a rare word's incidents, or walking the list's order."""
    if request.param == "along the list order":
        monkeypatch.setattr(search_index, "_FEW", 0)
    return request.param


def test_a_search_never_shows_or_counts_an_incident_of_another_compartment(client, team):
    day = datetime.date(2024, 5, 1)
    mine = [IncidentFactory(compartment=team.home, narrative="courtyard", date_start=day) for _ in range(3)]
    # Theirs match the word, the place and the act type, and sort first: none of them may show.
    for _ in range(30):
        theirs = IncidentFactory(
            compartment=team.elsewhere,
            narrative="courtyard",
            place=place("RU-CE:grozny"),
            date_start=datetime.date(2025, 1, 1),
        )
        ActFactory(incident=theirs, act_type=term("act_type", "beating"))
    client.force_login(team.documenter)

    for text in ("courtyard", "Grozny", "beating", "courtyard Grozny", theirs.reference):
        page = incident_page(team.documenter, {"q": text}, 1)
        assert isinstance(page.paginator.object_list, Matches), "answered by the index"
        assert set(page.object_list) <= {incident.id for incident in mine}
        assert page.paginator.count == (3 if text == "courtyard" else 0)

        response = client.get(reverse("records:incident_list"), {"q": text})
        assert {incident.compartment_id for incident in response.context["page"]} <= {team.home.id}


def test_a_user_in_no_compartment_finds_nothing(team):
    IncidentFactory(compartment=team.home, narrative="courtyard")
    team.documenter.compartments.clear()

    page = incident_page(team.documenter, {"q": "courtyard"}, 1)

    assert page.paginator.count == 0
    assert list(page.object_list) == []


def test_the_duress_decoy_compartment_stays_out_of_a_search_even_for_its_members(team):
    decoy = ensure_decoy_workspace()
    hidden = IncidentFactory(compartment=decoy, narrative="courtyard")
    team.documenter.compartments.add(decoy)

    page = incident_page(team.documenter, {"q": "courtyard"}, 1)

    assert hidden.id not in page.object_list
    assert page.paginator.count == 0
