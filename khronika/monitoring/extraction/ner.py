"""Named-entity spans from natasha (slovnet), for Russian text: people, and locations as place hints.

The models ship inside the installed ``natasha``/``navec``/``slovnet`` packages; nothing is
downloaded. They load once per process (about a second) on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any


@dataclass(frozen=True)
class Entities:
    people: list[tuple[int, int]]
    locations: list[tuple[int, int]]


@cache
def _pipeline() -> tuple[Any, Any]:
    from natasha import (  # type: ignore[import-untyped]  # it ships neither stubs nor py.typed
        NewsEmbedding,
        NewsNERTagger,
        Segmenter,
    )

    return Segmenter(), NewsNERTagger(NewsEmbedding())


def entities(text: str) -> Entities:
    """PER and LOC spans as character offsets into ``text``."""
    from natasha import Doc

    segmenter, tagger = _pipeline()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    people = [(s.start, s.stop) for s in doc.spans if s.type == "PER"]
    locations = [(s.start, s.stop) for s in doc.spans if s.type == "LOC"]
    return Entities(people, locations)
