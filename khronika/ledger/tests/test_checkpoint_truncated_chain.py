"""Cutting entries off the end of the ledger leaves a valid chain, but not one reaching the checkpoint."""

import pytest
from django.core.management import CommandError, call_command

from khronika.ledger.models import LedgerEntry
from khronika.ledger.services import Event, record_events, verify


@pytest.fixture
def published(db, tmp_path):
    record_events(None, [Event("export", "records.incident", str(i)) for i in range(1, 11)])
    out = tmp_path / "published.json"
    call_command("ledger", "checkpoint", "--out", str(out))
    return out


def test_a_truncated_chain_passes_a_plain_walk(published):
    LedgerEntry.objects.filter(seq__gt=7).delete()
    assert verify() == (7, None)


def test_it_is_caught_against_the_checkpoint(published):
    LedgerEntry.objects.filter(seq__gt=7).delete()
    with pytest.raises(
        CommandError, match=r"broken at entry 8: the ledger ends at entry 7.*removed from its end"
    ):
        call_command("ledger", "verify", "--checkpoint", str(published))


def test_a_truncated_and_regrown_chain_is_caught(published):
    """Cutting the end and appending fresh entries puts a different entry at the checkpoint's number."""
    LedgerEntry.objects.filter(seq__gt=7).delete()
    record_events(None, [Event("create", "records.incident", "x") for _ in range(5)])
    with pytest.raises(CommandError, match=r"broken at entry 10: .*rewritten"):
        call_command("ledger", "verify", "--checkpoint", str(published))
