"""Fixtures for the crypto core's tests.

Argon2 runs here with the smallest parameters argon2 accepts, passed explicitly (securedrop's habit):
the production cost (256 MiB) would make every unlock take a second. ``test_kdf_upgrade`` proves
the production default without running it.
"""

from __future__ import annotations

import pytest

from khronika.vault.crypto import KdfCost, NewVault, create_vault

PASSPHRASE = "синий-кит пьёт 7 чашек чая"  # synthetic


@pytest.fixture
def fast_kdf() -> KdfCost:
    return KdfCost(time_cost=1, memory_kib=8, parallelism=1)


@pytest.fixture
def vault(fast_kdf: KdfCost) -> NewVault:
    """A vault opened by PASSPHRASE or by any 2 of its 3 trustee shares."""
    return create_vault(PASSPHRASE, kdf_cost=fast_kdf, threshold=2, shares=3)


@pytest.fixture
def other_vault(fast_kdf: KdfCost) -> NewVault:
    return create_vault(PASSPHRASE, kdf_cost=fast_kdf, threshold=2, shares=3)
