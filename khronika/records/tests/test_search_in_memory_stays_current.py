"""The plain columns the search index keeps (compartment, order, place, act types) follow every change,
as its words do."""

import datetime

from khronika.ledger.services import Event, record, record_events
from khronika.records.models import Incident
from khronika.records.queries import incident_page
from khronika.records.search_index import INDEX
from khronika.testing.factories import ActFactory, IncidentFactory, place, term


def ids(user, text):
    return list(incident_page(user, {"q": text}, 1).object_list)


def test_moving_an_incident_to_another_compartment_moves_it_out_of_the_search(team):
    incident = IncidentFactory(compartment=team.home, narrative="courtyard")
    assert ids(team.documenter, "courtyard") == [incident.id]
    built = INDEX._db

    incident.compartment = team.elsewhere
    incident.save()
    record(team.documenter, "update", incident)

    assert ids(team.documenter, "courtyard") == []
    assert ids(team.outsider, "courtyard") == [incident.id]
    assert INDEX._db is built, "followed without a rebuild"


def test_a_new_place_date_or_act_is_searched_by_its_new_value(team):
    older = IncidentFactory(
        compartment=team.home, narrative="courtyard", date_start=datetime.date(2023, 1, 1)
    )
    newer = IncidentFactory(
        compartment=team.home, narrative="courtyard", date_start=datetime.date(2024, 1, 1)
    )
    assert ids(team.documenter, "courtyard") == [newer.id, older.id]
    assert ids(team.documenter, "Grozny") == []

    older.date_start = datetime.date(2025, 1, 1)
    older.place = place("RU-CE:grozny")
    older.save()
    record(team.documenter, "update", older)
    act = ActFactory(incident=newer, act_type=term("act_type", "beating"))
    record(team.documenter, "create", act)

    assert ids(team.documenter, "courtyard") == [older.id, newer.id]
    assert ids(team.documenter, "Grozny") == [older.id]
    assert ids(team.documenter, "beating") == [newer.id]


def test_a_deleted_incident_leaves_the_search_and_its_count(team):
    kept = IncidentFactory(compartment=team.home, narrative="courtyard")
    deleted = IncidentFactory(compartment=team.home, narrative="courtyard")
    assert incident_page(team.documenter, {"q": "courtyard"}, 1).paginator.count == 2

    deleted_id = deleted.id
    # A raw delete: this test is about the index, not about what else deleting an incident removes.
    Incident.objects.filter(id=deleted_id)._raw_delete("default")
    record_events(team.documenter, [Event("delete", "records.incident", str(deleted_id))])

    page = incident_page(team.documenter, {"q": "courtyard"}, 1)
    assert list(page.object_list) == [kept.id]
    assert page.paginator.count == 1
