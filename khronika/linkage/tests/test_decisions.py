"""Merges and splits are reversible and ledgered: no person is changed, each decision names who made it."""

import pytest

from khronika.ledger.models import LedgerEntry
from khronika.linkage import decisions, instance
from khronika.linkage.models import ClusterMember, LinkageRun, PersonLink
from khronika.linkage.tests.factories import link_in
from khronika.linkage.types import UncertainPair
from khronika.records.models import Person
from khronika.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def ledgered(action, link, user):
    return LedgerEntry.objects.filter(
        action=action, object_type="linkage.personlink", object_id=str(link.pk), actor=f"user:{user.pk}"
    ).exists()


def test_confirming_merges_the_pair_into_one_cluster_and_is_ledgered(team):
    link = link_in(team.home)
    decisions.confirm(link, team.documenter)
    link.refresh_from_db()
    assert link.state == PersonLink.State.CONFIRMED and link.decided_by == team.documenter
    assert ledgered("merge", link, team.documenter)
    assert decisions.also_recorded_as(link.left, team.documenter) == [link.right]
    assert decisions.also_recorded_as(link.right, team.documenter) == [link.left]


def test_undoing_a_merge_splits_the_cluster_and_changes_no_person(team):
    link = link_in(team.home)
    names = {p.pk: p.full_name for p in Person.objects.all()}
    decisions.confirm(link, team.documenter)
    decisions.undo(link, team.documenter)
    link.refresh_from_db()
    assert link.state == PersonLink.State.REJECTED
    assert ledgered("split", link, team.documenter)
    assert not ClusterMember.objects.exists()
    assert decisions.also_recorded_as(link.left, team.documenter) == []
    assert {p.pk: p.full_name for p in Person.objects.all()} == names


def test_rejecting_keeps_the_pair_apart_and_is_ledgered(team):
    link = link_in(team.home)
    decisions.reject(link, team.documenter)
    link.refresh_from_db()
    assert link.state == PersonLink.State.REJECTED
    assert ledgered("keep_apart", link, team.documenter)


def test_a_second_decision_on_the_same_pair_is_refused(team):
    link = link_in(team.home)
    decisions.reject(link, team.documenter)
    with pytest.raises(decisions.AlreadyDecided):
        decisions.confirm(link, team.documenter)
    with pytest.raises(decisions.AlreadyDecided):
        decisions.undo(link, team.documenter)


def test_clusters_follow_chains_of_merges_and_take_the_earliest_person_as_id(team):
    first, second, third = (PersonFactory(compartment=team.home) for _ in range(3))
    decisions.confirm(link_in(team.home, first, second), team.documenter)
    decisions.confirm(link_in(team.home, second, third), team.documenter)
    assert set(ClusterMember.objects.values_list("cluster_id", flat=True)) == {first.pk}
    assert decisions.also_recorded_as(third, team.documenter) == [first, second]


def test_a_new_run_keeps_human_decisions_and_merges_only_what_waits(team):
    kept_apart, split, waiting = link_in(team.home), link_in(team.home), link_in(team.home)
    decisions.reject(kept_apart, team.documenter)
    decisions.confirm(split, team.documenter)
    decisions.undo(split, team.documenter)
    run = LinkageRun.objects.create(compartment=team.home)
    pairs = [
        UncertainPair(str(link.right_id), str(link.left_id), 0.99) for link in (kept_apart, split, waiting)
    ]
    assert instance.store(run, pairs) == (0, 1)
    states = {link.pk: link.state for link in PersonLink.objects.all()}
    assert states == {
        kept_apart.pk: PersonLink.State.REJECTED,
        split.pk: PersonLink.State.REJECTED,
        waiting.pk: PersonLink.State.CONFIRMED,
    }


def test_a_run_never_links_persons_of_another_compartment(team):
    home, elsewhere = PersonFactory(compartment=team.home), PersonFactory(compartment=team.elsewhere)
    run = LinkageRun.objects.create(compartment=team.home)
    assert instance.store(run, [UncertainPair(str(home.pk), str(elsewhere.pk), 0.99)]) == (0, 0)
    assert not PersonLink.objects.exists()
    assert [r.record_id for r in instance.person_records(team.home)] == [str(home.pk)]
