"""Fixtures of the registry's tests: a fast lookup hash, and entries in each state."""

from __future__ import annotations

from typing import Any

import pytest

from khronika.records.models import Place
from khronika.safety import services


@pytest.fixture(autouse=True)
def fast_lookup_hash(settings: Any) -> None:
    """Tests hash with a thousand PBKDF2 iterations; production keeps a million (settings.py)."""
    settings.SAFETY_LOOKUP_ITERATIONS = 1000


@pytest.fixture(autouse=True)
def fresh_check_counter(monkeypatch: Any) -> None:
    """Each test starts with no server-side checks counted this minute."""
    monkeypatch.setattr(services, "_checks", {"window": 0.0, "count": 0})


@pytest.fixture
def kazan(reference_data: None) -> Place:
    return Place.objects.get(code="RU-TA:kazan")
