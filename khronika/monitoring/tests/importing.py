"""Shared by the import and review tests: real input files, a local web server, a stand-in extractor.

The stand-in extractor keeps these tests about importing and reviewing (the extractor has its own
tests and evaluation set): it proposes one incident per article that names a known town, with the
span of the town's name, as the contract in extraction/types.py says.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from khronika.monitoring.extraction.types import (
    ArticleExtraction,
    CandidateIncident,
    Extracted,
    IncidentDate,
    NamedPerson,
    Span,
)
from khronika.monitoring.models import Candidate
from khronika.monitoring.tests.factories import DEFAULT_TEXT, candidate_in

DATA = Path(__file__).parent / "data" / "import"

_TOWNS = [
    ("Махачкал", "RU-DA", "Махачкала"),
    ("Kazan", "RU-TA", "Kazan"),
    ("Казан", "RU-TA", "Казань"),
    ("Грозн", "RU-CE", ""),
    ("Самар", "RU-SAM", ""),
    ("Samara", "RU-SAM", ""),
    ("Новосибирск", "RU-NVS", ""),
    ("Saint Petersburg", "RU-SPE", ""),
]


def _found(text: str, word: str) -> Extracted[str] | None:
    start = text.find(word)
    return None if start < 0 else Extracted(word, (Span(start, start + len(word)),), 0.9)


def fake_extract(text: str, *, published: date, language: str | None = None) -> ArticleExtraction:
    for stem, region, town in _TOWNS:
        start = text.find(stem)
        if start >= 0:
            span = (Span(start, start + len(stem)),)
            incident = CandidateIncident(
                date=Extracted(IncidentDate(published.strftime("%Y-%m"), "month"), (), 0.6),
                region=Extracted(region, span, 0.9),
                town=Extracted(town, span, 0.8) if town else None,
                act_types=[Extracted("deprivation-of-liberty", span, 0.7)],
                victim_count=Extracted(2, span, 0.5),
                people=[Extracted(NamedPerson("Anvar", True), span, 0.5)] if "Anvar" in text else [],
            )
            return ArticleExtraction(text=text, language=language or "ru", incidents=[incident])
    return ArticleExtraction(text=text, language=language or "ru", incidents=[])


def article_page(title: str, body: str) -> bytes:
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{body}</p></article></body></html>"
    ).encode()


def make_candidate(compartment, text: str = DEFAULT_TEXT, **article_fields) -> Candidate:
    """An article and its candidate, as the stand-in extractor would propose it."""
    extraction = fake_extract(text, published=date(2025, 11, 4), language="ru")
    extracted = dataclasses.asdict(extraction.incidents[0]) if extraction.incidents else {}
    return candidate_in(compartment, text, extracted, **article_fields)
