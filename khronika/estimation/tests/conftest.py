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
    """``victim_of(*sources, consent=True, publication=False, incident=None, person=None, region=...,
    day=...)``: an act against a (new) synthetic person, reported by each of ``sources``, who agreed to
    statistics (``consent``) and to publication (``publication``); returns the person."""
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

    def make(
        *reported_by,
        consent=True,
        publication=False,
        incident=None,
        person=None,
        region="RU-DA",
        day=date(2024, 3, 1),
    ):
        incident = incident or IncidentFactory(
            compartment=team.home, place=place(region), date_start=day, date_end=day
        )
        person = person or PersonFactory(compartment=team.home)
        act = ActFactory(incident=incident, victim=person, act_type=term("act_type", "arbitrary-detention"))
        for source in reported_by:
            InformationFactory(incident=incident, act=act, source=source, original_text="")
        if consent:
            ConsentFactory(person=person, scope=Consent.Scope.STATISTICS)
        if publication:
            ConsentFactory(person=person, scope=Consent.Scope.PUBLICATION)
        return person

    return make


# 60 people on three lists, 18 of them on more than one (enough for the refusal thresholds).
PATTERNS = {
    ("victim",): 15,
    ("lawyer",): 15,
    ("media-outlet",): 12,
    ("victim", "lawyer"): 6,
    ("victim", "media-outlet"): 5,
    ("lawyer", "media-outlet"): 4,
    ("victim", "lawyer", "media-outlet"): 3,
}


@pytest.fixture
def sixty_people(team, sources, victim_of):
    """``sixty_people(day=date(2024, 3, 1), **victim_of_options)``: the 60 people of ``PATTERNS`` in one
    incident of the home compartment in RU-DA on ``day``; returns them."""
    from datetime import date

    from khronika.testing.factories import IncidentFactory, place

    def make(day=date(2024, 3, 1), **options):
        incident = IncidentFactory(compartment=team.home, place=place("RU-DA"), date_start=day, date_end=day)
        return [
            victim_of(*(sources[name] for name in lists), incident=incident, **options)
            for lists, n in PATTERNS.items()
            for _ in range(n)
        ]

    return make
