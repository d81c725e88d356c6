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


@pytest.fixture
def sources(team):
    """One source in the home compartment per type, by type code (synthetic)."""
    from khronika.testing.factories import SourceFactory, term

    codes = ("victim", "lawyer", "media-outlet", "telegram-channel")
    return {
        code: SourceFactory(compartment=team.home, source_type=term("source_type", code)) for code in codes
    }


@pytest.fixture
def victim_of(team):
    """``victim_of(*sources, consent=True, incident=None, person=None, region=..., day=...)``: an act
    against a (new) synthetic person, reported by each of ``sources``; returns the person."""
    from datetime import date

    from khronika.records.models import Consent
    from khronika.testing.factories import (
        ActFactory,
        ConsentFactory,
        IncidentFactory,
        InformationFactory,
        PersonFactory,
        place,
        term,
    )

    def make(*reported_by, consent=True, incident=None, person=None, region="RU-DA", day=date(2024, 3, 1)):
        incident = incident or IncidentFactory(
            compartment=team.home, place=place(region), date_start=day, date_end=day
        )
        person = person or PersonFactory(compartment=team.home)
        act = ActFactory(incident=incident, victim=person, act_type=term("act_type", "arbitrary-detention"))
        for source in reported_by:
            InformationFactory(incident=incident, act=act, source=source, original_text="")
        if consent:
            ConsentFactory(person=person, scope=Consent.Scope.STATISTICS)
        return person

    return make
