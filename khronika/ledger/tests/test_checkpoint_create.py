"""`khronika ledger checkpoint` signs the ledger's head with a key kept out of the database."""

import json
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from nacl.signing import VerifyKey

from khronika.ledger.checkpoints import KEY_FILE_NAME, create_checkpoint, public_key_hex
from khronika.ledger.models import Checkpoint, LedgerEntry
from khronika.ledger.proof import checkpoint_message
from khronika.ledger.services import Event, record_events


@pytest.fixture
def chain(db):
    return record_events(None, [Event("create", "records.incident", str(i)) for i in range(1, 6)])


def test_it_writes_a_signed_checkpoint_of_the_head(chain, tmp_path):
    out = tmp_path / "checkpoint.json"
    call_command("ledger", "checkpoint", "--out", str(out))
    data = json.loads(out.read_text())
    head = LedgerEntry.objects.get(seq=5)
    assert (data["seq"], data["entry_hash"]) == (5, head.entry_hash)
    message = checkpoint_message(data["seq"], data["entry_hash"], data["at"])
    VerifyKey(bytes.fromhex(data["public_key"])).verify(message, bytes.fromhex(data["signature"]))
    stored = Checkpoint.objects.get()
    assert stored.signed().to_dict() == data


def test_it_prints_the_checkpoint_without_out(chain, capsys):
    call_command("ledger", "checkpoint")
    assert json.loads(capsys.readouterr().out)["seq"] == 5


def test_it_keeps_the_signing_key_private_and_reuses_it(chain, data_dir):
    first = create_checkpoint()
    key_file = data_dir / KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert create_checkpoint().public_key == first.public_key == public_key_hex()


def test_it_refuses_a_key_file_others_can_read(chain, data_dir):
    create_checkpoint()
    (data_dir / KEY_FILE_NAME).chmod(0o644)
    with pytest.raises(ImproperlyConfigured, match="chmod 600"):
        create_checkpoint()


def test_it_will_not_overwrite_a_file(chain, tmp_path):
    out = tmp_path / "checkpoint.json"
    out.write_text("published earlier")
    with pytest.raises(CommandError, match="already exists"):
        call_command("ledger", "checkpoint", "--out", str(out))
    assert out.read_text() == "published earlier"


def test_an_intact_ledger_matches_an_earlier_checkpoint(chain, tmp_path, capsys):
    out = tmp_path / "checkpoint.json"
    call_command("ledger", "checkpoint", "--out", str(out))
    record_events(None, [Event("update", "records.incident", "1")])
    call_command("ledger", "verify", "--checkpoint", str(out))
    assert "intact: 6 entries verified. It still holds the checkpoint of entry 5" in capsys.readouterr().out
