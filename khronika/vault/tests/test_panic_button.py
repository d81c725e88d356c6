"""A coordinator's panic button: ledger entry first, then this process and every other one seal."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from khronika.accounts.roles import Role
from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import UserFactory
from khronika.vault import keystore, state
from khronika.vault import panic as panic_module
from khronika.vault.control import Answer
from khronika.vault.tests.support import FAST, PASSPHRASE, preserved_state, short_dir


@pytest.fixture
def unsealed(settings, team, monkeypatch):
    with short_dir("kv") as path, preserved_state():
        settings.VAULT_DIR = path / "vault"
        created = keystore.init_vault(PASSPHRASE, kdf_cost=FAST)
        state.unseal(created.keys)
        told = []
        monkeypatch.setattr(
            panic_module, "seal_all", lambda: told.append(True) or [Answer("serve-1.sock", True, False)]
        )
        yield created, told


def _client(role, team):
    client = Client()
    client.force_login(UserFactory(role=role, compartments=[team.home]))
    return client


def test_the_confirmation_page_does_not_seal(unsealed, team):
    response = _client(Role.COORDINATOR, team).get(reverse("vault:panic"))
    assert response.status_code == 200
    assert b"Seal now" in response.content
    assert state.is_unsealed()


def test_pressing_it_writes_the_ledger_then_seals_everything(unsealed, team, monkeypatch):
    created, told = unsealed
    entries_when_sealed = []
    real_seal = state.seal
    monkeypatch.setattr(
        state,
        "seal",
        lambda: entries_when_sealed.append(LedgerEntry.objects.filter(action="panic").count()) or real_seal(),
    )
    coordinator = _client(Role.COORDINATOR, team)
    response = coordinator.post(reverse("vault:panic"))
    assert response.status_code == 200
    assert b"Khronika is sealed" in response.content
    assert not state.is_unsealed()
    assert told == [True]
    assert entries_when_sealed == [1]  # the entry was written before the keys were dropped
    entry = LedgerEntry.objects.get(action="panic")
    assert entry.object_id == created.keyring.vault_id.hex()
    assert entry.actor.startswith("user:")


def test_the_button_is_in_the_navigation_of_coordinators_only(unsealed, team):
    assert (
        b'href="/vault/panic/"' in _client(Role.COORDINATOR, team).get(reverse("home"), follow=True).content
    )
    assert (
        b'href="/vault/panic/"'
        not in _client(Role.DOCUMENTER, team).get(reverse("home"), follow=True).content
    )


@pytest.mark.parametrize("role", [Role.DOCUMENTER, Role.ANALYST, Role.LAWYER])
def test_other_roles_get_a_404_and_nothing_seals(unsealed, team, role):
    _created, told = unsealed
    client = _client(role, team)
    assert client.get(reverse("vault:panic")).status_code == 404
    assert client.post(reverse("vault:panic")).status_code == 404
    assert state.is_unsealed()
    assert told == []
    assert not LedgerEntry.objects.filter(action="panic").exists()
