"""``khronika safety``: lapses are recorded and feeds written without an unseal (they touch no
encrypted value), so a daily timer works on a sealed instance."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from khronika.safety.models import Entry, State
from khronika.safety.tests.factories import PHONE, confirmed
from khronika.vault import state

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def feed_key_files_in_tmp(tmp_path, settings):
    settings.DATA_DIR = tmp_path


def test_expire_works_while_sealed_and_signing_a_feed_needs_the_unsealed_vault(
    unsealed_vault, tmp_path, capsys
):
    """A lapse changes plain columns; the feed key is derived from the organisation key (vault)."""
    entry = confirmed(PHONE)
    still = confirmed(PHONE.__class__(kind="phone", identifier="+7 900 555-01-24"))
    Entry.objects.filter(id=entry.id).update(confirmed_until=timezone.now() - timedelta(minutes=1))
    state.seal()
    try:
        call_command("safety", "expire")
        with pytest.raises(CommandError, match="vault is sealed"):
            call_command("safety", "export-feed", str(tmp_path / "feed.json"))
        assert not (tmp_path / "feed.json").exists()
    finally:
        state.unseal(unsealed_vault)
    call_command("safety", "export-feed", str(tmp_path / "feed.json"))
    assert "Recorded 1 lapsed confirmation(s)." in capsys.readouterr().out
    assert Entry.objects.get(id=entry.id).state == State.EXPIRED
    payload = json.loads(json.loads((tmp_path / "feed.json").read_text())["payload"])
    still.refresh_from_db()
    assert [h for h, _ in payload["hashes"]] == [f"{still.hash_prefix:05x}{still.hash_suffix}"]
