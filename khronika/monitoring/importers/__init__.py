"""Importers: each turns one kind of input into ``Item``s (one per article or post) and ``ItemError``s.

An importer only reads and parses; it writes nothing. ``monitoring.services.import_batch`` stores the
items, each in its own transaction, so one bad item is reported and the others still land.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Item:
    """One article or post as read. ``label`` names it in reports by position, never by content."""

    label: str
    text: str
    url: str = ""
    title: str = ""
    published: datetime | None = None
    language: str = ""


@dataclass(frozen=True)
class ItemError:
    label: str
    message: str


@dataclass
class Batch:
    items: list[Item] = field(default_factory=list)
    errors: list[ItemError] = field(default_factory=list)
    title: str = ""


def guess_language(text: str, declared: str = "") -> str:
    """``ru`` or ``en``: the declared language when it is one of them, else the extractor's guess."""
    code = declared.strip().lower()[:2]
    if code in ("ru", "en"):
        return code
    # Imported here: the extraction package loads its morphology dictionaries when first imported.
    from khronika.monitoring.extraction.text import guess_language as by_script

    return by_script(text)
