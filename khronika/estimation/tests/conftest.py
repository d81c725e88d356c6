from pathlib import Path

import pytest

from khronika.estimation import histories

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def kosovo() -> histories.CaptureHistories:
    """The Kosovo 1999 four-list table (Ball et al. 2002), as shipped in khronika/estimation/data."""
    return histories.read_csv(DATA / "kosovo_4lists.csv")


@pytest.fixture
def kosovo_path() -> Path:
    return DATA / "kosovo_4lists.csv"
