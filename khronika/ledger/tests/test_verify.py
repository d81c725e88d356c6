"""`khronika ledger verify` proves the chain intact or names the first broken entry."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from khronika.ledger.models import LedgerEntry
from khronika.ledger.services import Event, record_events, verify


@pytest.fixture
def chain(db):
    return record_events(None, [Event("create", "records.incident", str(i)) for i in range(1, 11)])


def test_an_intact_chain_verifies(chain, capsys):
    assert verify() == (10, None)
    call_command("ledger", "verify")
    assert "intact: 10 entries" in capsys.readouterr().out


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_edited_row_is_named(chain):
    raw("UPDATE ledger_ledgerentry SET action = 'reveal' WHERE seq = 4")
    count, broken = verify()
    assert (count, broken.seq) == (3, 4)
    assert "changed" in broken.reason
    with pytest.raises(CommandError, match="broken at entry 4"):
        call_command("ledger", "verify")


def test_a_deleted_row_is_named(chain):
    raw("DELETE FROM ledger_ledgerentry WHERE seq = 6")
    assert verify()[1].seq == 6


def test_reordered_rows_are_caught(chain):
    a, b = LedgerEntry.objects.get(seq=3), LedgerEntry.objects.get(seq=5)
    raw("UPDATE ledger_ledgerentry SET object_id = %s WHERE seq = 3", [b.object_id])
    raw("UPDATE ledger_ledgerentry SET object_id = %s WHERE seq = 5", [a.object_id])
    assert verify()[1].seq == 3


def test_appends_continue_the_chain(chain):
    record_events(None, [Event("update", "records.incident", "1")])
    last = LedgerEntry.objects.order_by("-seq").first()
    assert last.seq == 11
    assert last.prev_hash == LedgerEntry.objects.get(seq=10).entry_hash
    assert verify() == (11, None)


def test_swapped_sequence_numbers_are_caught(chain):
    """Moving an entry to another place in the chain, even with its own hash, breaks the links."""
    raw("UPDATE ledger_ledgerentry SET seq = 1000 WHERE seq = 3")
    raw("UPDATE ledger_ledgerentry SET seq = 3 WHERE seq = 5")
    raw("UPDATE ledger_ledgerentry SET seq = 5 WHERE seq = 1000")
    count, broken = verify()
    assert (count, broken.seq) == (2, 3)
    assert "does not point to the entry before it" in broken.reason


def test_an_edit_through_the_orm_is_caught(chain):
    LedgerEntry.objects.filter(seq=7).update(actor="user:42")
    assert verify()[1].seq == 7
