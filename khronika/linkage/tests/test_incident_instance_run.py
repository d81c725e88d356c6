"""A coordinator's run over the incidents of one compartment: two reports of one detention (the same
victim, the same town, an exact date and "that month") merge, an unrelated incident stays alone, and an
incident of another compartment is never read (threat model 3: no link tells a reviewer what another
team holds)."""

from datetime import date

import pytest

from khronika.ledger.models import LedgerEntry
from khronika.linkage import decisions, instance
from khronika.linkage.models import ClusterMember, IncidentClusterMember, IncidentLink, LinkageRun, PersonLink
from khronika.linkage.tests.factories import link_in, report
from khronika.records.dates import Precision
from khronika.testing.factories import PersonFactory, UserFactory
from khronika.worker.jobs import run_due

pytestmark = pytest.mark.django_db


def test_a_run_merges_two_reports_of_one_detention_and_leaves_the_unrelated_incident_alone(team):
    victim = PersonFactory(compartment=team.home)
    lawyers = report(team.home, date(2025, 11, 5), victim=victim, source="lawyer")
    relatives = report(team.home, date(2025, 11, 1), Precision.MONTH, victim=victim, source="relative")
    unrelated = report(
        team.home,
        date(2024, 3, 10),
        where="RU-MOW",
        act="beating",
        victim=PersonFactory(compartment=team.home),
    )
    # The same detention documented by the other team: never compared with the home incidents.
    elsewhere = report(team.elsewhere, date(2025, 11, 5), source="lawyer")
    coordinator = UserFactory(role="coordinator", compartments=[team.home])

    run = instance.start(team.home, coordinator, LinkageRun.Subject.INCIDENTS)
    assert run_due() == 1

    run.refresh_from_db()
    assert (run.state, run.subject) == (LinkageRun.State.DONE, LinkageRun.Subject.INCIDENTS)
    assert (run.persons, run.proposed, run.confirmed) == (3, 0, 1)
    link = IncidentLink.objects.get()
    assert {link.left, link.right} == {lawyers, relatives}
    assert link.state == IncidentLink.State.CONFIRMED and link.automatic and link.probability >= 0.97
    clusters = dict(IncidentClusterMember.objects.values_list("incident", "cluster_id"))
    assert clusters == {lawyers.pk: lawyers.pk, relatives.pk: lawyers.pk}  # the earlier recorded report
    assert not IncidentLink.objects.filter(left__in=[unrelated, elsewhere]).exists()
    assert not IncidentLink.objects.filter(right__in=[unrelated, elsewhere]).exists()
    assert not PersonLink.objects.exists() and not ClusterMember.objects.exists()
    assert LedgerEntry.objects.filter(
        action="merge", object_type="linkage.incidentlink", object_id=str(link.pk), actor="system"
    ).exists()

    # The worker may run a job twice after a crash: the second run changes nothing.
    assert instance.run(str(run.pk)).pk == run.pk
    assert IncidentLink.objects.count() == 1


def test_a_strong_pair_the_model_kept_apart_waits_for_a_reviewer(team):
    """Two detentions in one town on one day with different victims are two incidents; a third report
    naming no victim fits both. The model's clustering keeps the two apart, and ``store`` must not
    undo that by merging every strong pair: those pairs wait for a reviewer."""
    one, two = (
        report(team.home, date(2025, 11, 5), victim=PersonFactory(compartment=team.home)) for _ in "ab"
    )
    nameless = report(team.home, date(2025, 11, 5), victim=None)
    coordinator = UserFactory(role="coordinator", compartments=[team.home])
    run = instance.run(str(instance.start(team.home, coordinator, LinkageRun.Subject.INCIDENTS).pk))

    assert (run.proposed, run.confirmed) == (2, 1)
    merged = IncidentLink.objects.get(state=IncidentLink.State.CONFIRMED)
    assert nameless.pk in (merged.left_id, merged.right_id)
    # The nameless report's strong pair with the other incident waits, though it is as strong.
    waiting = IncidentLink.objects.get(state=IncidentLink.State.PROPOSED, probability__gte=0.97)
    assert nameless.pk in (waiting.left_id, waiting.right_id) and not waiting.automatic
    clusters = dict(IncidentClusterMember.objects.values_list("incident", "cluster_id"))
    assert clusters.get(one.pk, one.pk) != clusters.get(two.pk, two.pk)


def test_incident_records_hold_coded_fields_and_victims_as_their_person_clusters(team):
    first_mention, second_mention = PersonFactory(compartment=team.home), PersonFactory(compartment=team.home)
    decisions.confirm(link_in(team.home, first_mention, second_mention), team.documenter)
    cluster = ClusterMember.objects.get(person=second_mention).cluster_id
    lawyers = report(team.home, date(2025, 11, 5), victim=first_mention, source="lawyer")
    relatives = report(
        team.home, date(2025, 11, 20), Precision.MONTH, where="RU-DA", victim=second_mention, source=None
    )
    report(team.elsewhere, date(2025, 11, 5))

    records = {record.record_id: record for record in instance.incident_records(team.home)}
    assert set(records) == {str(lawyers.pk), str(relatives.pk)}
    by_lawyer, by_relative = records[str(lawyers.pk)], records[str(relatives.pk)]
    assert (by_lawyer.date, by_lawyer.region, by_lawyer.town) == ("2025-11-05", "RU-DA", "Махачкала")
    assert (by_relative.date, by_relative.region, by_relative.town) == ("2025-11", "RU-DA", "")
    assert by_lawyer.act_types == by_relative.act_types == ("arbitrary-detention",)
    assert by_lawyer.persons == by_relative.persons == (str(cluster),)
    assert (by_lawyer.source, by_relative.source) == ("lawyer", "")
    # Nothing of the title or narrative goes into the model.
    assert lawyers.title not in repr(records) and "synthetic narrative" not in repr(records)
