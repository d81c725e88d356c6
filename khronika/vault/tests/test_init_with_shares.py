"""``vault init --shares N --threshold K`` prints N shares once, with a warning; K of them unseal."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from khronika.vault import keystore, state
from khronika.vault.tests.support import FAST_ARGS, pipe_with, preserved_state, short_dir


@pytest.fixture
def vault_dir(settings, db):
    with short_dir("kv") as path, preserved_state():
        settings.VAULT_DIR = path / "vault"
        state.seal()
        yield settings.VAULT_DIR


def test_shares_are_printed_once_with_a_warning_and_two_of_three_unlock(vault_dir, monkeypatch):
    out = io.StringIO()
    call_command("vault", "init", *FAST_ARGS, shares=3, threshold=2, no_passphrase=True, stdout=out)
    printed = out.getvalue()
    shares = re.findall(r"^KS1-\S+$", printed, flags=re.MULTILINE)
    assert len(shares) == 3
    assert "shown this once and stored nowhere" in printed
    stored = keystore.keyring_path().read_text()
    assert not any(share in stored for share in shares)

    sent = []
    monkeypatch.setattr(
        "khronika.vault.management.commands.unseal.unseal_all", lambda keys: sent.append(keys) or []
    )
    with pipe_with(f"{shares[2]}\n{shares[0]}\n") as fd:
        call_command("unseal", shares_fd=fd, stdout=io.StringIO())
    assert [keys.vault_id for keys in sent] == [keystore.load_keyring().vault_id]

    with pipe_with(f"{shares[1]}\n{shares[2]}\n") as fd:  # the form the issue names: --shares --passphrase-fd
        call_command("unseal", shares=True, passphrase_fd=fd, stdout=io.StringIO())
    assert len(sent) == 2 and sent[1] == sent[0]
