"""Intake test fixtures: a private file store, a fast phrase hash, a coordinator, an inbox volunteer."""

from __future__ import annotations

from typing import Any

import pytest

from khronika.accounts.roles import Role
from khronika.intake import flood
from khronika.testing.factories import UserFactory


@pytest.fixture(autouse=True)
def intake_settings(settings: Any, tmp_path: Any) -> Any:
    """Each test gets an empty file store and a fresh flood counter; the phrase hash is fast here only."""
    settings.INTAKE_FILE_DIR = tmp_path / "intake-files"
    settings.INTAKE_PHRASE_KDF = (1, 8)
    flood.reset()
    return settings


@pytest.fixture
def coordinator(team: Any) -> Any:
    return UserFactory(username="coord", role=Role.COORDINATOR, compartments=[team.home])


@pytest.fixture
def volunteer(team: Any) -> Any:
    return UserFactory(username="volunteer", role=Role.INTAKE, compartments=[team.home])


def stored_files(settings: Any) -> list[Any]:
    folder = settings.INTAKE_FILE_DIR
    return sorted(folder.iterdir()) if folder.exists() else []
