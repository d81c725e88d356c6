"""A text search answered by the in-memory index finds, counts and orders exactly what the database
query of the same search does; a search combined with other filters still asks the database."""

import datetime

import pytest

from khronika.records import queries, search_index
from khronika.records.queries import find_incidents, incident_page
from khronika.records.search_index import Matches
from khronika.testing.factories import ActFactory, IncidentFactory, place, term


@pytest.fixture(params=["from few candidates", "along the list order"], autouse=True)
def plan(request, monkeypatch):
    """Both of the index's plans: starting from a rare word's incidents, or walking the list's order."""
    if request.param == "along the list order":
        monkeypatch.setattr(search_index, "_FEW", 0)
    return request.param


@pytest.fixture
def incidents(team):
    beating = term("act_type", "beating")
    made = []
    for n in range(40):
        incident = IncidentFactory(
            compartment=team.home,
            title=f"Synthetic {n}",
            narrative="courtyard witness" if n % 2 else "stairwell witness",
            # Shared dates (ties broken by reference) and undated incidents (NULL in the list order).
            date_start=None if n % 7 == 0 else datetime.date(2024, 1 + n % 3, 1),
            date_end=None,
            place=place("RU-CE:grozny") if n % 3 == 0 else place("RU-DA"),
        )
        if n % 4 == 0:
            ActFactory(incident=incident, act_type=beating)
        made.append(incident)
    return made


def every_page(user, filters):
    ids, number = [], 1
    while True:
        page = incident_page(user, filters, number)
        ids.extend(page.object_list)
        if not page.has_next():
            return page, ids
        number += 1


@pytest.mark.parametrize(
    "text", ["witness", "courtyard", "Grozny", "beating", "courtyard Grozny", "beating stairwell", "nothing"]
)
def test_it_finds_counts_and_orders_what_the_database_does(team, incidents, text):
    expected = list(find_incidents(team.documenter, {"q": text}).values_list("pk", flat=True))

    page, found = every_page(team.documenter, {"q": text})

    assert isinstance(page.paginator.object_list, Matches)
    assert found == expected
    assert page.paginator.count == len(expected)
    assert not page.paginator.capped


def test_it_says_more_than_when_it_stops_past_the_page_as_the_database_does(team, incidents, monkeypatch):
    monkeypatch.setattr(queries, "COUNT_BEYOND", 3)
    expected = list(find_incidents(team.documenter, {"q": "witness"}).values_list("pk", flat=True))

    page = incident_page(team.documenter, {"q": "witness"}, 1)

    assert isinstance(page.paginator.object_list, Matches)
    assert page.paginator.capped
    assert page.paginator.more_than == 28
    assert list(page.object_list) == expected[:25]


def test_a_reference_or_a_pseudonym_finds_its_incident(team, incidents):
    act = ActFactory(incident=incidents[5])
    for code in (incidents[3].reference, act.victim.pseudonym.lower()):
        expected = list(find_incidents(team.documenter, {"q": code}).values_list("pk", flat=True))
        page = incident_page(team.documenter, {"q": code}, 1)
        assert isinstance(page.paginator.object_list, Matches)
        assert list(page.object_list) == expected
        assert expected


def test_a_search_with_another_filter_is_answered_by_the_database(team, incidents):
    page = incident_page(team.documenter, {"q": "witness", "status": "reported"}, 1)

    assert not isinstance(page.paginator.object_list, Matches)
    assert len(page.object_list) == 25


def test_an_analyst_who_may_not_read_narratives_finds_by_code_only(team, incidents):
    assert list(incident_page(team.analyst, {"q": "witness"}, 1).object_list) == []
    assert list(incident_page(team.analyst, {"q": incidents[3].reference}, 1).object_list) == [
        incidents[3].id
    ]


@pytest.mark.parametrize("text", ["courtyard_witness", "court\u19b0yard", "I-ZZZ"])
def test_a_word_the_index_would_split_differently_is_searched_without_an_error(client, team, incidents, text):
    expected = list(find_incidents(team.documenter, {"q": text}).values_list("pk", flat=True))

    _, found = every_page(team.documenter, {"q": text})

    assert found == expected
