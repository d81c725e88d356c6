"""Shared fixtures: reference data, and the three people of every permission test.

Following healthchecks' test base: an owner who works in compartment A, a colleague in the same
compartment with a narrower role, and an outsider in compartment B who must get nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from khronika.accounts.models import Compartment, User
from khronika.accounts.roles import Role
from khronika.records.models import Term
from khronika.records.reference import load_reference_data
from khronika.testing.factories import CompartmentFactory, UserFactory
from khronika.vault import state
from khronika.vault.crypto import KdfCost, VaultKeys, create_vault

TEST_VAULT_PASSPHRASE = "test vault passphrase, synthetic"  # noqa: S105  # tests only


@pytest.fixture(scope="session", autouse=True)
def unsealed_vault() -> Iterator[VaultKeys]:
    """Every test runs with the vault on and unsealed, as the application always does.

    Argon2 gets the smallest parameters here, passed explicitly (securedrop's habit); the production
    cost is proven by khronika/vault/tests without being run.
    """
    vault = create_vault(TEST_VAULT_PASSPHRASE, kdf_cost=KdfCost(time_cost=1, memory_kib=8, parallelism=1))
    state.unseal(vault.keys)
    yield vault.keys
    state.seal()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any, unsealed_vault: VaultKeys) -> None:
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Tests hash passwords with a fast hasher; production keeps Argon2 (see test_password_hashing)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def steady_authenticator_clock(settings: Any) -> None:
    """Authenticator codes in tests are computed for "now" and "the next step"; with clock-drift
    learning on, a first login that lands just after a 30-second boundary records a drift of -1 and
    the next step's code falls outside the window, so tests failed about one run in thirty.
    Production keeps django_otp's default (learn the phone's drift)."""
    settings.OTP_TOTP_SYNC = False


@pytest.fixture
def reference_data(db: Any) -> None:
    """Vocabularies and gazetteer; reloaded if a transactional (browser) test flushed them."""
    if not Term.objects.exists():
        load_reference_data()


@dataclass
class Team:
    home: Compartment
    elsewhere: Compartment
    documenter: User
    analyst: User
    outsider: User


@pytest.fixture
def team(reference_data: None) -> Team:
    home = CompartmentFactory(name="Home")
    elsewhere = CompartmentFactory(name="Elsewhere")
    return Team(
        home=home,
        elsewhere=elsewhere,
        documenter=UserFactory(username="doc", role=Role.DOCUMENTER, compartments=[home]),
        analyst=UserFactory(username="analyst", role=Role.ANALYST, compartments=[home]),
        outsider=UserFactory(username="outsider", role=Role.DOCUMENTER, compartments=[elsewhere]),
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last: their live server needs a flushed database between tests, and running
    them at the end spares every other test a reload of the reference data."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
