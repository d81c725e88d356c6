"""A bundle that cannot be made says why in plain words and leaves no trace: no files, no records."""

import pytest
from django.core.management import CommandError, call_command

from khronika.accounts.roles import Role
from khronika.ledger.models import Checkpoint, LedgerEntry
from khronika.records.models import CustodyEntry
from khronika.records.tests.test_evidence_bundle_verifies import make_case, use_temporary_storage
from khronika.testing.factories import UserFactory


@pytest.fixture
def storage(settings, tmp_path):
    use_temporary_storage(settings, tmp_path)
    return tmp_path


@pytest.fixture
def case(team, storage):
    return make_case(team)


@pytest.fixture
def before(case, storage):
    return (LedgerEntry.objects.count(), CustodyEntry.objects.count(), sorted(storage.iterdir()))


def assert_nothing_written(before, storage):
    assert (LedgerEntry.objects.count(), CustodyEntry.objects.count(), sorted(storage.iterdir())) == before
    assert not Checkpoint.objects.exists()


def test_an_unknown_reference_is_named_and_nothing_is_written(case, storage, before):
    incident, _ = case
    with pytest.raises(
        CommandError, match=r"no incident with the reference or id “I-NOPE”. Nothing was exported"
    ):
        call_command("evidence", "export", incident.reference, "I-NOPE", "--out", str(storage / "b"))
    assert_nothing_written(before, storage)


def test_an_incident_the_user_may_not_see_looks_unknown(case, storage, team):
    """Threat model 3: the answer must not reveal that the incident exists in another compartment."""
    incident, _ = case
    UserFactory(username="coord-elsewhere", role=Role.COORDINATOR, compartments=[team.elsewhere])
    before = (LedgerEntry.objects.count(), CustodyEntry.objects.count(), sorted(storage.iterdir()))
    with pytest.raises(CommandError, match=f"no incident with the reference or id “{incident.reference}”"):
        call_command(
            "evidence", "export", incident.reference, "--out", str(storage / "b"), "--user", "coord-elsewhere"
        )
    assert_nothing_written(before, storage)


@pytest.mark.parametrize("username", ["doc", "analyst"])
def test_a_role_without_export_and_sensitive_access_is_refused(case, storage, before, username):
    """Files and original names leave in clear: an analyst (coded data only) or a documenter (no export
    right) must not carry a bundle out."""
    incident, _ = case
    with pytest.raises(CommandError, match=f"{username}'s role may not export evidence"):
        call_command(
            "evidence", "export", incident.reference, "--out", str(storage / "b"), "--user", username
        )
    assert_nothing_written(before, storage)


def test_an_unknown_user_is_refused(case, storage, before):
    incident, _ = case
    with pytest.raises(CommandError, match="no active user “ghost”"):
        call_command("evidence", "export", incident.reference, "--out", str(storage / "b"), "--user", "ghost")
    assert_nothing_written(before, storage)


def test_it_will_not_write_over_an_earlier_bundle(case, storage):
    incident, _ = case
    earlier = storage / "earlier"
    earlier.mkdir()
    (earlier / "manifest.json").write_text("filed with the court")
    before = (LedgerEntry.objects.count(), CustodyEntry.objects.count(), sorted(storage.iterdir()))
    with pytest.raises(CommandError, match="already exists"):
        call_command("evidence", "export", incident.reference, "--out", str(earlier))
    assert (earlier / "manifest.json").read_text() == "filed with the court"
    assert_nothing_written(before, storage)


def test_a_missing_evidence_file_stops_the_export(case, storage, before):
    incident, files = case
    files[1].file.storage.delete(files[1].file.name)
    with pytest.raises(CommandError, match=f"The file of evidence {files[1].id} .* is missing from storage"):
        call_command("evidence", "export", incident.reference, "--out", str(storage / "b.zip"))
    assert_nothing_written(before, storage)


def test_a_broken_ledger_stops_the_export(case, storage, before):
    """A bundle whose proof would fail in court is not made; the operator is sent to `ledger verify`."""
    incident, _ = case
    first = LedgerEntry.objects.order_by("seq").first()
    LedgerEntry.objects.filter(seq=first.seq).update(actor="user:999")
    before = (LedgerEntry.objects.count(), CustodyEntry.objects.count(), sorted(storage.iterdir()))
    with pytest.raises(CommandError, match=r"ledger cannot vouch for this export.*khronika ledger verify"):
        call_command("evidence", "export", incident.reference, "--out", str(storage / "b"))
    assert_nothing_written(before, storage)
