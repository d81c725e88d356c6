"""An attacker who edits an entry and recomputes every hash after it is caught by an earlier checkpoint.

Threat model 6: with write access to the database, a rewritten chain is self-consistent, so walking it
proves nothing; only a checkpoint signed before the rewrite, and kept elsewhere, exposes it.
"""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from khronika.ledger.chain import GENESIS_HASH, entry_hash
from khronika.ledger.models import LedgerEntry
from khronika.ledger.services import Event, record_events, verify


@pytest.fixture
def published(db, tmp_path):
    record_events(None, [Event("reveal", "records.person", str(i)) for i in range(1, 9)])
    out = tmp_path / "published.json"
    call_command("ledger", "checkpoint", "--out", str(out))
    record_events(None, [Event("update", "records.incident", "9")])
    return out


def rewrite_from(seq, **changes):
    """Change entry ``seq`` with raw SQL, then recompute every hash from there on, as an attacker would."""
    prev = LedgerEntry.objects.get(seq=seq - 1).entry_hash if seq > 1 else GENESIS_HASH
    with connection.cursor() as cursor:
        for column, value in changes.items():
            assert column in {"actor", "action", "object_id"}
            sql = f"UPDATE ledger_ledgerentry SET {column} = %s WHERE seq = %s"  # noqa: S608 -- column checked above
            cursor.execute(sql, [value, seq])
        for entry in LedgerEntry.objects.filter(seq__gte=seq).order_by("seq"):
            digest = entry_hash(
                entry.seq, entry.at, entry.actor, entry.action, entry.object_type, entry.object_id, prev
            )
            cursor.execute(
                "UPDATE ledger_ledgerentry SET prev_hash = %s, entry_hash = %s WHERE seq = %s",
                [prev, digest, entry.seq],
            )
            prev = digest


def test_a_recomputed_chain_passes_a_plain_walk(published):
    rewrite_from(3, actor="user:99")
    assert verify() == (9, None)


def test_it_is_caught_against_the_earlier_checkpoint(published):
    rewrite_from(3, actor="user:99")
    with pytest.raises(CommandError, match=r"broken at entry 8: .*rewritten at or before this entry"):
        call_command("ledger", "verify", "--checkpoint", str(published))


def test_a_rewrite_after_the_checkpoint_is_not_blamed_on_it(published, capsys):
    """Entries after the checkpoint are vouched for by the next checkpoint, not this one."""
    rewrite_from(9, action="delete")
    call_command("ledger", "verify", "--checkpoint", str(published))
    assert "intact" in capsys.readouterr().out
