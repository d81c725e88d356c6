"""Only people who agreed to anonymous statistics are counted (the consent model: no row, no use)."""

from django.utils import timezone

from khronika.estimation.instance import capture_rows
from khronika.linkage.decisions import recompute_clusters
from khronika.linkage.models import PersonLink
from khronika.linkage.tests.factories import link_in
from khronika.records.models import Consent
from khronika.testing.factories import ConsentFactory


def counted_clusters(team):
    return {row["cluster_id"] for row in capture_rows([team.home.id]).rows}


def test_a_person_without_statistics_consent_never_counts(team, sources, victim_of):
    agreed = victim_of(sources["victim"], sources["lawyer"])
    refused = victim_of(sources["victim"], sources["lawyer"], consent=False)
    publication_only = victim_of(sources["lawyer"], consent=False)
    ConsentFactory(person=publication_only, scope=Consent.Scope.PUBLICATION)

    captured = capture_rows([team.home.id])

    assert {row["cluster_id"] for row in captured.rows} == {str(agreed.id)}
    assert str(refused.id) not in str(captured.rows)
    assert (captured.counted, captured.left_out) == (1, 2)


def test_withdrawing_the_consent_removes_the_person_from_the_next_count(team, sources, victim_of):
    person = victim_of(sources["victim"], sources["lawyer"])
    assert counted_clusters(team) == {str(person.id)}

    Consent.objects.filter(person=person).update(withdrawn_on=timezone.localdate())

    captured = capture_rows([team.home.id])
    assert captured.rows == []
    assert (captured.counted, captured.left_out) == (0, 1)


def test_a_linked_person_counts_when_any_of_their_records_has_the_consent(team, sources, victim_of):
    """One human recorded twice gave the consent once: both records are theirs."""
    with_consent = victim_of(sources["victim"])
    without = victim_of(sources["lawyer"], consent=False)
    link_in(team.home, with_consent, without, state=PersonLink.State.CONFIRMED)
    recompute_clusters(team.home)

    captured = capture_rows([team.home.id])

    assert {row["list_name"] for row in captured.rows} == {"victim", "lawyer"}
    assert len({row["cluster_id"] for row in captured.rows}) == 1
    assert (captured.counted, captured.left_out) == (1, 0)


def test_records_of_other_compartments_are_not_read(team, sources, victim_of):
    victim_of(sources["victim"], sources["lawyer"])

    assert capture_rows([team.elsewhere.id]).rows == []
