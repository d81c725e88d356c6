"""Extraction: one article's plain text in, candidate incidents out, every value with its span.

The stages, each a module: ``text`` (tokens, sentences, lemmas), ``dates``, ``places``, ``rules`` (act
and perpetrator types), ``legal``, ``counts`` (victims, days held), ``people`` and ``ner`` (natasha);
``incidents`` splits an article into incidents and assembles each from the stages' findings.
``readers`` turns saved files (text, HTML, Telegram exports) into articles; ``serialize`` writes the
JSON that ``khronika monitor extract`` prints (docs/data-format.md). Nothing here touches the database
or the vault: extraction reads public text only.
"""

from __future__ import annotations

from datetime import date

from khronika.monitoring.extraction.incidents import build_incidents
from khronika.monitoring.extraction.text import guess_language
from khronika.monitoring.extraction.types import ArticleExtraction

__all__ = ["extract"]


def extract(text: str, *, published: date | None, language: str | None = None) -> ArticleExtraction:
    """Candidate incidents in one article; relative dates are read from ``published`` (today if None)."""
    lang = language if language in {"ru", "en"} else guess_language(text)
    return ArticleExtraction(text=text, language=lang, incidents=build_incidents(text, published, lang))
