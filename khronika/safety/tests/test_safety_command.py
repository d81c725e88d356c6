"""``khronika safety``: lapses are recorded and feeds written without an unseal (they touch no
encrypted value), so a daily timer works on a sealed instance."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from khronika.safety import feed
from khronika.safety.models import Entry, State
from khronika.safety.tests.factories import PHONE, confirmed
from khronika.vault import state

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def feed_key_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr(feed, "key_path", lambda: tmp_path / "safety-feed-signing.key")


def test_expire_and_export_work_while_the_vault_is_sealed(unsealed_vault, tmp_path, capsys):
    entry = confirmed(PHONE)
    still = confirmed(PHONE.__class__(kind="phone", identifier="+7 900 555-01-24"))
    Entry.objects.filter(id=entry.id).update(confirmed_until=timezone.now() - timedelta(minutes=1))
    state.seal()
    try:
        call_command("safety", "expire")
        call_command("safety", "export-feed", str(tmp_path / "feed.json"))
    finally:
        state.unseal(unsealed_vault)
    assert "Recorded 1 lapsed confirmation(s)." in capsys.readouterr().out
    assert Entry.objects.get(id=entry.id).state == State.EXPIRED
    payload = json.loads(json.loads((tmp_path / "feed.json").read_text())["payload"])
    still.refresh_from_db()
    assert [h for h, _ in payload["hashes"]] == [f"{still.hash_prefix:05x}{still.hash_suffix}"]
