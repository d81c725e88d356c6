"""Fixtures shared by the rotation tests: an instance with its own key file, file store and keys."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from khronika.vault import keystore, state
from khronika.vault.crypto import Keyring, VaultKeys
from khronika.vault.tests.support import FAST, PASSPHRASE, preserved_state, short_dir


@dataclass
class Instance:
    keyring: Keyring
    keys: VaultKeys
    files: Path


@pytest.fixture(name="instance")
def instance_fixture(settings, db) -> Iterator[Instance]:
    """A vault initialised in a temporary folder and unsealed in this process; the suite's own keys
    are put back afterwards."""
    with short_dir("kr") as path, preserved_state():
        settings.VAULT_DIR = path / "vault"
        settings.MEDIA_ROOT = path / "files"
        created = keystore.init_vault(PASSPHRASE, kdf_cost=FAST)
        state.unseal(created.keys)
        yield Instance(created.keyring, created.keys, path / "files")


def raw_row(model, pk, columns):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s",  # noqa: S608  # test-owned names
            [pk.hex if connection.vendor == "sqlite" and hasattr(pk, "hex") else pk],
        )
        return cursor.fetchone()
