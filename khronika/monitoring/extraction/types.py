"""What extraction gives back: candidate incidents whose every value points at the text it came from.

These dataclasses are the contract between the extractor (``monitoring/extraction``), the importers
and review queue (``monitoring``), and the JSON that ``khronika monitor extract`` prints
(docs/data-format.md). A reviewer must be able to see, for every value, which words produced it and how
sure the extractor was, so every value is an ``Extracted`` with a span and a confidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Span:
    """Character offsets into the article's plain text (``text[start:end]``)."""

    start: int
    end: int


@dataclass(frozen=True)
class Extracted(Generic[T]):
    """One extracted value, the text spans it came from, and a confidence between 0 and 1."""

    value: T
    spans: tuple[Span, ...]
    confidence: float


@dataclass(frozen=True)
class IncidentDate:
    """``iso`` is ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; ``precision`` is ``day``, ``month`` or ``year``."""

    iso: str
    precision: str


@dataclass(frozen=True)
class NamedPerson:
    """A person named in the text; ``pseudonym`` when the text says the name is changed or invented."""

    name: str
    pseudonym: bool


@dataclass
class CandidateIncident:
    """One incident the article seems to describe; every field may be missing."""

    date: Extracted[IncidentDate] | None = None
    region: Extracted[str] | None = None  # ISO 3166-2, e.g. "RU-DA"
    town: Extracted[str] | None = None  # the gazetteer's name of the town
    act_types: list[Extracted[str]] = field(default_factory=list)  # act vocabulary codes
    victim_count: Extracted[int] | None = None
    perpetrator_types: list[Extracted[str]] = field(default_factory=list)
    people: list[Extracted[NamedPerson]] = field(default_factory=list)
    detention_days: Extracted[int] | None = None
    legal_articles: list[Extracted[str]] = field(default_factory=list)  # legal-article vocabulary codes


@dataclass
class ArticleExtraction:
    """Everything extracted from one article, with the plain text the spans point into."""

    text: str
    language: str  # "ru" or "en"
    incidents: list[CandidateIncident] = field(default_factory=list)
