"""Two incidents on the same day in the same town with different victims stay two incidents."""

from khronika.linkage.incident_generator import generate_incidents
from khronika.linkage.incident_model import MIN_TRAINING_REPORTS, IncidentRecord, link_incidents
from khronika.linkage.model import MATCH_THRESHOLD


def _report(record_id, persons, source):
    return IncidentRecord(
        record_id,
        date="2025-11-05",
        region="RU-DA",
        town="Махачкала",
        act_types=("arbitrary-detention",),
        persons=persons,
        source=source,
    )


FIRST = _report("first", ("person-1",), "victim")
SECOND = _report("second", ("person-2", "person-3"), "lawyer")
NAMELESS = _report("nameless", (), "article:novaya")


def _clusters(records):
    return {a.record_id: a.cluster_id for a in link_incidents(records).assignments}


def test_it_keeps_them_apart_on_a_short_list():
    result = link_incidents([FIRST, SECOND])
    assert len({a.cluster_id for a in result.assignments}) == 2
    # A record left alone carries one minus its best pair's probability: no pair reached the threshold.
    assert all(1 - a.match_probability < MATCH_THRESHOLD for a in result.assignments)


def test_it_keeps_them_apart_among_many_other_incidents_after_training():
    others = generate_incidents(600, seed=5).records
    assert len(others) >= MIN_TRAINING_REPORTS
    clusters = _clusters([*others, FIRST, SECOND])
    assert clusters["first"] != clusters["second"]


def test_a_report_naming_no_victim_does_not_join_them():
    """The report without victims matches both; it may join one incident, never bridge the two."""
    result = link_incidents([FIRST, SECOND, NAMELESS])
    clusters = {a.record_id: a.cluster_id for a in result.assignments}
    assert clusters["first"] != clusters["second"]
    apart = "first" if clusters["nameless"] == clusters["second"] else "second"
    shown = {frozenset((p.record_id_left, p.record_id_right)) for p in result.uncertain_pairs}
    assert frozenset((apart, "nameless")) in shown, "the pair kept apart goes to a reviewer"
