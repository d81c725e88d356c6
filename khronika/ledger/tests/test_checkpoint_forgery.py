"""A checkpoint that is altered, forged or signed with someone else's key is refused, never "matched"."""

import json

import pytest
from django.core.management import CommandError, call_command
from nacl.signing import SigningKey

from khronika.ledger.proof import checkpoint_message
from khronika.ledger.services import Event, record_events
from khronika.vault import state


@pytest.fixture
def published(db, tmp_path):
    record_events(None, [Event("create", "records.incident", str(i)) for i in range(1, 6)])
    out = tmp_path / "published.json"
    call_command("ledger", "checkpoint", "--out", str(out))
    return out


def rewrite(path, **changes):
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))
    return data


def test_it_refuses_a_checkpoint_whose_content_was_changed(published):
    rewrite(published, seq=3)
    with pytest.raises(CommandError, match="cannot be trusted: its signature is not valid"):
        call_command("ledger", "verify", "--checkpoint", str(published))


def test_it_refuses_a_forged_signature(published):
    data = json.loads(published.read_text())
    rewrite(published, signature=("00" if data["signature"][:2] != "00" else "11") + data["signature"][2:])
    with pytest.raises(CommandError, match="signature is not valid"):
        call_command("ledger", "verify", "--checkpoint", str(published))


def test_it_refuses_a_checkpoint_signed_with_another_key(published):
    """A valid signature proves nothing if anyone's key will do."""
    data = json.loads(published.read_text())
    forger = SigningKey.generate()
    message = checkpoint_message(data["seq"], data["entry_hash"], data["at"])
    rewrite(
        published,
        public_key=bytes(forger.verify_key).hex(),
        signature=forger.sign(message).signature.hex(),
    )
    with pytest.raises(CommandError, match="signed by a different key"):
        call_command("ledger", "verify", "--checkpoint", str(published))


def test_it_refuses_a_file_that_is_not_a_checkpoint(published, tmp_path):
    other = tmp_path / "other.json"
    other.write_text("[1, 2, 3]")
    with pytest.raises(CommandError, match="cannot be trusted: it is not a Khronika ledger checkpoint"):
        call_command("ledger", "verify", "--checkpoint", str(other))
    other.write_text("not json")
    with pytest.raises(CommandError, match="not a checkpoint file"):
        call_command("ledger", "verify", "--checkpoint", str(other))


def test_a_sealed_instance_without_the_public_key_says_to_unseal(published, data_dir):
    """Checking never makes up a key: without the public key file, the sealed instance asks for an unseal."""
    (data_dir / "ledger-signing.pub").unlink()
    keys = state.keys()
    state.seal()
    try:
        with pytest.raises(CommandError, match=r"public signing key is not known yet: unseal"):
            call_command("ledger", "verify", "--checkpoint", str(published))
    finally:
        state.unseal(keys)
