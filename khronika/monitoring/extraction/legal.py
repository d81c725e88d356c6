"""Legal articles cited in the text, mapped to the foundation's legal-article vocabulary.

«ст. 6.21 КоАП», «ч. 2 ст. 282.2 УК РФ», «по статье 19.3 Кодекса об административных
правонарушениях», "Article 242 of the Criminal Code", "Art. 6.21 CAO". Only articles the vocabulary
(``records/data/vocabularies/legal_article.json``) lists are returned, as its codes; an article named
without its code is mapped when only one code has it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

VOCABULARY_FILE = (
    Path(__file__).resolve().parents[2] / "records" / "data" / "vocabularies" / "legal_article.json"
)

_ARTICLE = re.compile(
    r"(?:(?:ч\.|части|часть|частью|части|part)\s*(?P<part>\d+)\s*,?\s*)?"
    r"(?:ст\.|статьи|статья|статье|статью|статей|art\.|article|articles)\s*(?P<number>\d+(?:\.\d+)*)"
    r"(?P<after>[^.;\n]{0,60})",
    re.IGNORECASE,
)
_KOAP = re.compile(r"коап|административн|administrative|\bcao\b|\bcoao\b|koap", re.IGNORECASE)
_UK = re.compile(r"\bук\b|уголовн|criminal code|\bcc\b|\buk\b", re.IGNORECASE)


@dataclass(frozen=True)
class LegalMention:
    code: str
    start: int
    end: int
    confidence: float


@cache
def articles() -> dict[tuple[str, str], str]:
    """(``KoAP`` or ``UK``, article number) → vocabulary code."""
    document = json.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))
    found: dict[tuple[str, str], str] = {}

    def walk(terms: list[dict[str, object]]) -> None:
        for term in terms:
            if term.get("article"):
                found[(str(term["legal_code"]), str(term["article"]))] = str(term["code"])
            walk(term.get("children", []))  # type: ignore[arg-type]  # JSON children are term lists

    walk(document["terms"])
    return found


def find_legal_articles(text: str) -> list[LegalMention]:
    """Every cited article the vocabulary knows, in order of appearance."""
    known = articles()
    mentions: list[LegalMention] = []
    for match in _ARTICLE.finditer(text):
        number, after = match.group("number"), match.group("after")
        code_match = _KOAP.search(after) or _UK.search(after)
        legal_code = ""
        if code_match:
            legal_code = "KoAP" if _KOAP.search(code_match.group()) else "UK"
            end = match.start("after") + code_match.end()
        else:
            end = match.end("number")
        if legal_code:
            code = known.get((legal_code, number))
            confidence = 0.95
        else:
            candidates = [c for (_, n), c in known.items() if n == number]
            code = candidates[0] if len(candidates) == 1 else None
            confidence = 0.6
        if code:
            mentions.append(LegalMention(code, match.start(), end, confidence))
    return mentions
