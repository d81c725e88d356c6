"""Merges and splits of incident reports are reversible and ledgered as person merges are: no incident
is changed, each decision names the link by its opaque id and who made it (threat model 3 and 6)."""

import pytest
from django.test import Client

from khronika.ledger.models import LedgerEntry
from khronika.linkage import decisions
from khronika.linkage.models import IncidentClusterMember, IncidentLink
from khronika.linkage.tests.factories import incident_link_in
from khronika.records.models import Incident

pytestmark = pytest.mark.django_db


def entries_for(link):
    return LedgerEntry.objects.filter(object_type="linkage.incidentlink", object_id=str(link.pk)).order_by(
        "seq"
    )


def test_confirm_and_undo_change_the_clusters_and_leave_every_incident_as_it_was(team):
    link = incident_link_in(team.home)
    before = {i.pk: (i.title, i.narrative, i.date_start) for i in Incident.objects.all()}

    decisions.confirm(link, team.documenter)
    assert set(IncidentClusterMember.objects.values_list("incident", flat=True)) == {
        link.left_id,
        link.right_id,
    }
    assert decisions.also_recorded_as(link.left, team.documenter) == [link.right]
    assert decisions.also_recorded_as(link.right, team.outsider) == []  # not in the outsider's compartments

    decisions.undo(link, team.documenter)
    link.refresh_from_db()
    assert link.state == IncidentLink.State.REJECTED and link.decided_by == team.documenter
    assert not IncidentClusterMember.objects.exists()
    assert decisions.also_recorded_as(link.left, team.documenter) == []
    assert {i.pk: (i.title, i.narrative, i.date_start) for i in Incident.objects.all()} == before
    assert [(e.action, e.actor) for e in entries_for(link)] == [
        ("merge", f"user:{team.documenter.pk}"),
        ("split", f"user:{team.documenter.pk}"),
    ]


def test_rejecting_keeps_the_reports_apart_and_a_second_decision_is_refused(team):
    link = incident_link_in(team.home)
    decisions.reject(link, team.documenter)
    assert [e.action for e in entries_for(link)] == ["keep_apart"]
    assert not IncidentClusterMember.objects.exists()
    with pytest.raises(decisions.AlreadyDecided):
        decisions.confirm(link, team.documenter)


def test_the_ledger_holds_ids_only(team):
    """A seized ledger must not tell what the merged reports say: entries name objects by id."""
    link = incident_link_in(team.home)
    decisions.confirm(link, team.documenter)
    decisions.undo(link, team.documenter)
    words = {link.left.title, link.right.title, link.left.narrative, link.left.reference}
    for entry in LedgerEntry.objects.all():
        values = (entry.actor, entry.action, entry.object_type, entry.object_id)
        assert not any(word in value for word in words for value in values)


def test_the_incident_page_lists_the_other_reports_of_its_cluster(team):
    link = incident_link_in(team.home)
    client = Client()
    client.force_login(team.documenter)
    decisions.confirm(link, team.documenter)
    page = client.get(f"/records/incidents/{link.left_id}/").content.decode()
    assert "Also recorded as" in page and link.right.reference in page
    decisions.undo(link, team.documenter)
    assert "Also recorded as" not in client.get(f"/records/incidents/{link.left_id}/").content.decode()
