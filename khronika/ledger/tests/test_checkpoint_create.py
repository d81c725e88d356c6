"""`khronika ledger checkpoint` signs the ledger's head with a key kept out of the database and off
the disk: derived from the vault's organisation key, so only an unsealed instance can sign."""

import json

import pytest
from django.core.management import CommandError, call_command
from nacl.signing import SigningKey, VerifyKey

from khronika.ledger import checkpoints
from khronika.ledger.checkpoints import KEY, create_checkpoint, public_key_hex, verify_against
from khronika.ledger.models import Checkpoint, LedgerEntry
from khronika.ledger.proof import SignedCheckpoint, checkpoint_message
from khronika.ledger.services import Event, record_events
from khronika.vault import state
from khronika.vault.crypto import VaultSealed


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


def test_the_signing_key_comes_from_the_vault_and_never_reaches_the_disk(chain, data_dir):
    """A seized data folder must not hold a key that signs checkpoints for a rewritten ledger."""
    first = create_checkpoint()
    assert create_checkpoint().public_key == first.public_key == public_key_hex()
    seed = bytes(checkpoints.signing_key()).hex()
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert seed not in path.read_bytes().hex() and seed not in path.read_text(errors="ignore")
    assert (data_dir / KEY.public_file).read_text().strip() == first.public_key


def test_a_sealed_instance_cannot_sign_but_still_checks(chain, data_dir, tmp_path):
    out = tmp_path / "checkpoint.json"
    call_command("ledger", "checkpoint", "--out", str(out))
    keys = state.keys()
    state.seal()
    try:
        with pytest.raises(VaultSealed):
            create_checkpoint()
        call_command("ledger", "verify", "--checkpoint", str(out))
    finally:
        state.unseal(keys)


def test_a_key_file_from_before_the_vault_is_retired_and_its_checkpoints_still_check(
    chain, data_dir, tmp_path
):
    legacy = SigningKey.generate()
    (data_dir / KEY.legacy_file).write_text(bytes(legacy).hex() + "\n")
    checkpoint = create_checkpoint()  # the first use retires the old file
    assert not (data_dir / KEY.legacy_file).exists()
    assert checkpoint.public_key != bytes(legacy.verify_key).hex()
    old = SignedCheckpoint(
        seq=checkpoint.seq,
        entry_hash=checkpoint.entry_hash,
        at=checkpoint.signed().at,
        public_key=bytes(legacy.verify_key).hex(),
        signature=legacy.sign(
            checkpoint_message(checkpoint.seq, checkpoint.entry_hash, checkpoint.signed().at)
        ).signature.hex(),
    )
    assert verify_against(old.to_dict()) is None


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
