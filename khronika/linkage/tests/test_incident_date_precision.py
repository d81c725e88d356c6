"""A report dated only by its month is linked with a report of the same detention dated to the day."""

from khronika.linkage.incident_generator import generate_incidents
from khronika.linkage.incident_model import IncidentRecord, link_incidents

EXACT = IncidentRecord(
    "victim-report",
    date="2025-11-05",
    region="RU-DA",
    town="Махачкала",
    act_types=("arbitrary-detention", "forced-device-unlocking"),
    persons=("person-17",),
    source="victim",
)
MONTH_ONLY = IncidentRecord(
    "channel-post",
    date="2025-11",
    region="Дагестан",
    town="",
    act_types=("arbitrary-detention",),
    persons=("person-17",),
    source="telegram:sk-news",
)


def _cluster_of(result):
    return {a.record_id: a.cluster_id for a in result.assignments}


def test_it_links_a_month_only_report_with_an_exact_one_on_a_short_list():
    clusters = _cluster_of(link_incidents([EXACT, MONTH_ONLY]))
    assert clusters["victim-report"] == clusters["channel-post"]


def test_it_links_them_among_many_other_incidents_after_training():
    others = generate_incidents(600, seed=4).records
    clusters = _cluster_of(link_incidents([*others, EXACT, MONTH_ONLY]))
    assert clusters["victim-report"] == clusters["channel-post"]
