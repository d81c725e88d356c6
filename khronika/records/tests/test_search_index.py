"""Text search over encrypted titles, narratives and act details, from an index held in memory."""

from django.urls import reverse

from khronika.ledger.services import record
from khronika.records.search_index import INDEX
from khronika.testing.factories import ActFactory, IncidentFactory
from khronika.vault import state


def found(client, text):
    return client.get(reverse("records:incident_list"), {"q": text}).content.decode()


def test_it_finds_a_word_of_the_narrative_in_another_grammatical_case(client, team):
    incident = IncidentFactory(compartment=team.home, narrative="Его задержали в Махачкале у кафе.")
    client.force_login(team.documenter)

    assert incident.reference in found(client, "Махачкала")
    assert incident.reference not in found(client, "Грозный")


def test_records_written_after_the_index_was_built_are_found_and_edits_forget_old_words(client, team):
    client.force_login(team.documenter)
    found(client, "anything")  # builds the index
    incident = IncidentFactory(compartment=team.home, title="stairwell meeting")
    act = ActFactory(incident=incident, description="phone unlocked under threat")
    record(team.documenter, "create", incident)  # every write is ledgered; the index follows the ledger
    record(team.documenter, "create", act)

    assert incident.reference in found(client, "stairwell")
    assert incident.reference in found(client, "unlocked")

    incident.title = "courtyard meeting"
    incident.save()
    record(team.documenter, "update", incident)
    assert incident.reference not in found(client, "stairwell")
    assert incident.reference in found(client, "courtyard")


def test_an_outsider_finds_nothing_of_another_compartment(client, team):
    incident = IncidentFactory(compartment=team.home, narrative="unique-marker-word")
    client.force_login(team.outsider)

    assert incident.reference not in found(client, "unique-marker-word")


def test_sealing_drops_the_index_from_memory(client, team):
    IncidentFactory(compartment=team.home, narrative="secret words")
    client.force_login(team.documenter)
    found(client, "secret")
    assert INDEX._db is not None

    keys = state.keys()
    state.seal()
    try:
        assert INDEX._db is None and not INDEX._ids
    finally:
        state.unseal(keys)
