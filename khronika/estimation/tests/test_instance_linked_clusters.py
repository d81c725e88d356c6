"""A person merged by the linkage is one case: on each list once, in the table once."""

from khronika.estimation.instance import capture_rows, stratum_tables
from khronika.linkage.decisions import recompute_clusters
from khronika.linkage.models import PersonLink
from khronika.linkage.tests.factories import link_in


def table_all(team):
    captured = capture_rows([team.home.id])
    return stratum_tables(captured.rows, captured.lists)[("all", "all")]


def test_two_records_of_one_linked_person_count_once_across_two_lists(team, sources, victim_of):
    first = victim_of(sources["victim"])
    second = victim_of(sources["lawyer"])
    before = table_all(team)
    assert before.documented == 2 and before.on_several_lists == 0

    link_in(team.home, first, second, state=PersonLink.State.CONFIRMED)
    recompute_clusters(team.home)

    after = table_all(team)
    assert after.lists == ("lawyer", "victim")
    assert after.documented == 1
    assert after.on_several_lists == 1
    assert after.patterns.tolist() == [[1, 1]] and after.counts.tolist() == [1]


def test_a_person_reported_twice_by_one_type_of_source_is_on_that_list_once(team, sources, victim_of):
    person = victim_of(sources["victim"], sources["lawyer"])
    victim_of(sources["lawyer"], person=person, consent=False)

    table = table_all(team)

    assert table.documented == 1
    assert table.counts.tolist() == [1]


def test_an_incident_level_report_puts_every_victim_of_the_incident_on_its_list(team, sources, victim_of):
    from khronika.testing.factories import InformationFactory

    first = victim_of(sources["victim"])
    incident = first.acts_suffered.get().incident
    second = victim_of(sources["victim"], incident=incident)
    InformationFactory(incident=incident, act=None, source=sources["media-outlet"], original_text="")

    rows = capture_rows([team.home.id]).rows

    on_media = {row["cluster_id"] for row in rows if row["list_name"] == "media-outlet"}
    assert on_media == {str(first.id), str(second.id)}
