"""The signed partner feed: keyed hashes only; a partner's feed is verified against a pinned key,
imported whole, and used for the same private lookup."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from nacl.signing import SigningKey

from khronika.ledger import checkpoints as ledger_checkpoints
from khronika.safety import feed, lookup, services
from khronika.safety.normalize import lookup_identifier
from khronika.safety.services import Refused, Subject
from khronika.safety.tests.factories import confirmed
from khronika.vault import state
from khronika.vault.crypto import VaultSealed

pytestmark = pytest.mark.django_db

PARTNER_KEY = "ab" * 32
IDENTIFIER = lookup_identifier("account", "lure_account", "telegram")
SUBJECT = Subject(kind="account", platform="telegram", identifier="@Lure_Account")


def partner_feed(signer: SigningKey, identifiers: list[str], generated_at=None) -> bytes:
    """A feed as a partner's Khronika writes it (their own lookup key and signing key)."""
    until = (timezone.now() + timedelta(days=30)).isoformat()
    payload = {
        "format": feed.FORMAT,
        "generated_at": (generated_at or timezone.now()).isoformat(),
        "key": {"key_id": "partner00000001", "key": PARTNER_KEY, "iterations": 1000},
        "hashes": [[lookup.lookup_hash(i, bytes.fromhex(PARTNER_KEY), 1000), until] for i in identifiers],
    }
    message = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    signature = signer.sign(message.encode()).signature.hex()
    return json.dumps(
        {"signer": bytes(signer.verify_key).hex(), "payload": message, "signature": signature}
    ).encode()


@pytest.fixture(autouse=True)
def feed_key_files_in_tmp(tmp_path, settings):
    settings.DATA_DIR = tmp_path


def test_our_feed_holds_hashes_only_and_verifies_with_our_public_key(reference_data):
    entry = confirmed(SUBJECT)
    data = json.loads(feed.export_feed())
    payload = json.loads(data["payload"])
    assert payload["hashes"][0][0] == lookup.prefix_text(entry.hash_prefix) + entry.hash_suffix
    assert "lure" not in data["payload"]
    feed.signing_key().verify_key.verify(data["payload"].encode(), bytes.fromhex(data["signature"]))
    assert data["signer"] == feed.public_key_hex()


def test_the_feed_key_is_derived_in_memory_and_only_its_public_half_is_on_disk(tmp_path):
    """A seized data folder must not hold a key that signs feeds planting warnings at every partner."""
    public = feed.public_key_hex()
    seed = bytes(feed.signing_key()).hex()
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert files and all(seed not in path.read_text(errors="ignore") for path in files)
    assert (tmp_path / feed.KEY.public_file).read_text().strip() == public
    assert public != ledger_checkpoints.public_key_hex()  # a key of its own, not the ledger's


def test_a_sealed_instance_cannot_sign_a_feed_but_still_knows_its_public_key():
    public = feed.public_key_hex()
    keys = state.keys()
    state.seal()
    try:
        with pytest.raises(VaultSealed):
            feed.export_feed()
        assert feed.public_key_hex() == public
    finally:
        state.unseal(keys)


def test_a_feed_from_a_key_not_yet_trusted_is_refused(reference_data):
    with pytest.raises(Refused, match="do not trust"):
        feed.import_feed(partner_feed(SigningKey.generate(), [IDENTIFIER]))


def test_a_trusted_partners_feed_is_used_by_the_private_lookup(reference_data, tmp_path):
    partner = SigningKey.generate()
    path = tmp_path / "partner.json"
    path.write_bytes(partner_feed(partner, [IDENTIFIER]))
    call_command("safety", "import-feed", str(path), "--trust", bytes(partner.verify_key).hex())
    assert services.check_on_server(SUBJECT)
    assert "partner00000001" in [k.key_id for k in services.lookup_keys()]

    # The partner retracts it: their next feed omits it, and the import replaces the old one whole.
    later = timezone.now() + timedelta(minutes=1)
    feed.import_feed(partner_feed(partner, [], generated_at=later))
    assert not services.check_on_server(SUBJECT)


def test_a_changed_feed_or_a_replayed_one_is_refused(reference_data):
    partner = SigningKey.generate()
    trust = bytes(partner.verify_key).hex()
    original = partner_feed(partner, [IDENTIFIER])
    document = json.loads(original)
    document["payload"] = document["payload"].replace('"iterations":1000', '"iterations":1001')
    with pytest.raises(Refused, match="signature does not match"):
        feed.import_feed(json.dumps(document).encode(), trust=trust)
    feed.import_feed(original, trust=trust)
    with pytest.raises(Refused, match="not newer"):
        feed.import_feed(original)


def test_the_command_explains_a_file_that_is_not_a_feed(tmp_path, reference_data):
    path = tmp_path / "notes.txt"
    path.write_text("synthetic notes")
    with pytest.raises(CommandError, match="not a safety feed"):
        call_command("safety", "import-feed", str(path))
