"""Exposure: exactly what an account could open now and did touch since a date, nothing else."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from khronika.ledger.exposure import exposure
from khronika.ledger.models import LedgerEntry
from khronika.ledger.services import record
from khronika.testing.factories import IncidentFactory, PersonFactory, SourceFactory


@pytest.fixture
def world(team):
    """Records in the documenter's compartment, and records elsewhere he must never be said to reach."""
    home_incident = IncidentFactory(compartment=team.home)
    home_person = PersonFactory(compartment=team.home)
    home_source = SourceFactory(compartment=team.home)
    far_incident = IncidentFactory(compartment=team.elsewhere)
    far_person = PersonFactory(compartment=team.elsewhere)
    far_source = SourceFactory(compartment=team.elsewhere)
    return locals()


def test_it_lists_what_the_account_could_open_and_nothing_from_other_compartments(team, world):
    report = exposure(team.documenter, timezone.localdate())
    assert report.compartments == ["Home"]
    assert (report.incidents.total, report.incidents.labels) == (1, [world["home_incident"].reference])
    assert (report.persons.total, report.persons.labels) == (1, [world["home_person"].pseudonym])
    assert (report.sources.total, report.sources.labels) == (1, [world["home_source"].reference])


def test_it_lists_what_the_account_did_since_the_date(team, world):
    record(team.documenter, "view", world["home_incident"])
    record(team.documenter, "reveal", world["home_person"])
    record(team.documenter, "view", world["home_person"])
    record(team.documenter, "login", team.documenter)  # not a record: not exposure
    record(team.outsider, "reveal", world["far_person"])  # someone else's work
    old = PersonFactory(compartment=team.home)
    record(team.documenter, "reveal", old)
    LedgerEntry.objects.filter(object_id=str(old.id)).update(at=timezone.now() - timedelta(days=3))

    report = exposure(team.documenter, timezone.localdate() - timedelta(days=1))

    touched = {(t.object_type, t.label): t.actions for t in report.touched}
    assert touched == {
        ("records.incident", world["home_incident"].reference): ["view"],
        ("records.person", world["home_person"].pseudonym): ["reveal", "view"],
    }


def test_a_reader_sees_references_only_in_his_own_compartments(team, world):
    record(team.outsider, "view", world["far_incident"])
    report = exposure(team.outsider, timezone.localdate(), reader=team.documenter)
    assert report.incidents.total == 1 and report.incidents.labels == []
    assert report.incidents.not_shown == 1
    assert [(t.label, t.object_id) for t in report.touched] == [("", str(world["far_incident"].id))]


def test_the_command_prints_references_and_pseudonyms(team, world):
    record(team.documenter, "reveal", world["home_person"])
    out = StringIO()
    call_command("exposure", "doc", "--since", timezone.localdate().isoformat(), stdout=out)
    text = out.getvalue()
    assert world["home_incident"].reference in text
    assert world["home_person"].pseudonym in text
    assert world["home_source"].reference in text
    assert "reveal" in text
    assert world["far_incident"].reference not in text
    assert world["far_person"].pseudonym not in text
    assert world["home_person"].family_name not in text


def test_the_command_names_an_unknown_account(team):
    with pytest.raises(CommandError, match="No account is called 'nobody'"):
        call_command("exposure", "nobody", "--since", "2026-11-01")


def test_the_command_explains_a_bad_date(team):
    with pytest.raises(CommandError, match="Write it as YYYY-MM-DD"):
        call_command("exposure", "doc", "--since", "01.11.2026")
