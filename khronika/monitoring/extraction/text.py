"""Tokens, sentences, paragraphs and lemmas: the shared view of an article that every extractor reads.

Every later stage works on ``Token``s that keep their character offsets, so each extracted value can
point back at the words it came from (``types.Span``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import pymorphy3  # type: ignore[import-untyped]  # it ships neither stubs nor py.typed

WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:[-'’][^\W\d_]+)*|[«»\"“”„—–\-:;!?.,()]", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
# A sentence ends at . ! ? … or a line break, unless the dot belongs to an abbreviation such as
# «ст.», «ч.», «г.», "Art." or a number like 6.21.
_ABBREVIATIONS = {
    "ст",
    "ч",
    "п",
    "г",
    "гг",
    "пос",
    "с",
    "ул",
    "art",
    "no",
    "mr",
    "ms",
    "mrs",
    "dr",
    "st",
    "т",
    "им",
}


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    lemma: str  # lower case; the pymorphy3 normal form for Russian words
    sentence: int  # index of the sentence in the article
    paragraph: int  # index of the paragraph in the article

    @property
    def lower(self) -> str:
        return self.text.lower().replace("ё", "е")

    @property
    def capitalized(self) -> bool:
        return self.text[:1].isupper()


@dataclass(frozen=True)
class Sentence:
    index: int
    paragraph: int
    start: int
    end: int
    tokens: tuple[Token, ...]


def guess_language(text: str) -> str:
    """``ru`` or ``en``, by the script most letters are written in."""
    sample = text[:5000]
    return "ru" if len(_CYRILLIC.findall(sample)) >= len(_LATIN.findall(sample)) else "en"


@cache
def morph() -> pymorphy3.MorphAnalyzer:
    """One analyser per process: loading its dictionaries takes a tenth of a second."""
    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The dictionary form of a word, lower case, «ё» written as «е»; English words are only lowered."""
    lowered = word.lower().replace("ё", "е")
    if not _CYRILLIC.search(lowered) or (word.isupper() and len(word) > 1):
        return lowered  # English, or an abbreviation such as «СИЗО» that pymorphy3 would misread
    return str(morph().parse(lowered)[0].normal_form).replace("ё", "е")


@lru_cache(maxsize=200_000)
def lemmas(word: str) -> frozenset[str]:
    """Every dictionary form the word may have: «избили» is only «избить», «стали» is «стать» or «сталь»."""
    lowered = word.lower().replace("ё", "е")
    if not _CYRILLIC.search(lowered):
        return frozenset({lowered})
    return frozenset(str(p.normal_form).replace("ё", "е") for p in morph().parse(lowered))


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Character ranges of paragraphs: blocks separated by blank lines, or lines when there are none."""
    blocks = [(m.start(), m.end()) for m in re.finditer(r"\S(?:.*?\S)?(?=\n\s*\n|\s*\Z)", text, re.S)]
    if len(blocks) > 1:
        return blocks
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", text)]


def sentences(text: str) -> list[Sentence]:
    """The article split into paragraphs, sentences and tokens."""
    result: list[Sentence] = []
    for p_index, (p_start, p_end) in enumerate(paragraphs(text)):
        current: list[tuple[str, int, int]] = []
        for match in WORD.finditer(text, p_start, p_end):
            current.append((match.group(), match.start(), match.end()))
            word = match.group()
            if word in {".", "!", "?"} and not _is_abbreviation(current):
                _close(result, current, p_index)
                current = []
        _close(result, current, p_index)
    return result


def _is_abbreviation(current: list[tuple[str, int, int]]) -> bool:
    if len(current) < 2:
        return False
    previous = current[-2][0]
    return previous.lower() in _ABBREVIATIONS or (len(previous) == 1 and previous.isupper())


def _close(result: list[Sentence], words: list[tuple[str, int, int]], p_index: int) -> None:
    if not words:
        return
    index = len(result)
    tokens = tuple(Token(w, s, e, lemma(w), index, p_index) for w, s, e in words)
    result.append(Sentence(index, p_index, tokens[0].start, tokens[-1].end, tokens))
