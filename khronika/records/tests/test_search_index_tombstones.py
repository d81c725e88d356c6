"""The in-memory search index keeps no text (contentless FTS5): deletions and edits leave tombstones
that no answer shows, without rebuilding the index."""

from khronika.ledger.services import Event, record, record_events
from khronika.records.search_index import INDEX
from khronika.testing.factories import IncidentFactory


def test_a_deleted_incident_is_no_longer_found_and_the_index_is_not_rebuilt(team):
    kept = IncidentFactory(compartment=team.home, narrative="courtyard witness statement")
    deleted = IncidentFactory(compartment=team.home, narrative="courtyard unlocking under threat")
    assert set(INDEX.matching("courtyard")) == {kept.id, deleted.id}
    built = INDEX._db

    deleted_id = deleted.id
    deleted.delete()
    record_events(team.documenter, [Event("delete", "records.incident", str(deleted_id))])

    assert INDEX.matching("courtyard") == [kept.id]
    assert INDEX.matching("unlocking") == []
    assert INDEX._db is built, "a deletion is a tombstone, not a rebuild"


def test_an_edited_incident_is_found_by_its_new_words_only(team):
    incident = IncidentFactory(compartment=team.home, title="stairwell meeting")
    assert INDEX.matching("stairwell") == [incident.id]
    built = INDEX._db

    incident.title = "garage meeting"
    incident.save()
    record(team.documenter, "update", incident)

    assert INDEX.matching("stairwell") == []
    assert INDEX.matching("garage") == [incident.id]
    assert INDEX.matching("meeting") == [incident.id], "the old row must not answer beside the new one"
    assert INDEX._db is built
