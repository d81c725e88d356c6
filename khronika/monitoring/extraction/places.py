"""Places: gazetteer names in any Russian case form or English spelling, resolved to region and town.

The gazetteer is read straight from ``records/data/gazetteer.csv`` (not the database), so extraction
runs on a fresh checkout with no database. Russian names are matched by every case form the gazetteer
lists and, failing that, by the pymorphy3 lemma of the word; English names by their English spellings
and their transliterations (iuliia). Names that are also surnames or common words («Пушкина»,
«Асбест», «Шахты») count only after a preposition or a word like «город», or inside a span that the
natasha tagger calls a location.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import iuliia  # type: ignore[import-untyped]  # it ships neither stubs nor py.typed

from khronika.monitoring.extraction.text import WORD, Token, morph

GAZETTEER_FILE = Path(__file__).resolve().parents[2] / "records" / "data" / "gazetteer.csv"
MAX_WORDS = 5
_CUES = {
    "в", "во", "из", "под", "г", "город", "города", "городе", "городу", "пос", "поселок", "поселке",
    "село", "селе", "села", "районе", "близ", "около", "in", "near", "from", "outside", "of", "to",
}  # fmt: skip
# Adjectives and demonyms that name a region only: a weak hint used when nothing better is found.
_ADJECTIVES = {
    "чеченский": "RU-CE", "дагестанский": "RU-DA", "ингушский": "RU-IN", "петербургский": "RU-SPE",
    "chechen": "RU-CE", "dagestani": "RU-DA", "ingush": "RU-IN",
}  # fmt: skip


@dataclass(frozen=True)
class Place:
    code: str
    kind: str  # region, city or town
    region: str  # ISO 3166-2 of the region (the code itself for regions)
    name_ru: str


@dataclass(frozen=True)
class PlaceMention:
    place: Place
    start: int
    end: int
    confidence: float

    @property
    def is_town(self) -> bool:
        return self.place.kind != "region"


@dataclass(frozen=True)
class Gazetteer:
    places: dict[str, Place]
    names: dict[tuple[str, ...], str]  # lower-case words → place code
    lemma_names: dict[str, str]  # lemma of a one-word Russian name → place code
    risky: frozenset[tuple[str, ...]]


def _key(text: str) -> tuple[str, ...]:
    return tuple(m.group().lower().replace("ё", "е") for m in WORD.finditer(text))


def _is_risky(word: str) -> bool:
    """True when the likeliest reading of a Russian word is not a place (a surname, a common noun)."""
    if not any("а" <= c <= "я" or c == "ё" for c in word.lower()):
        return False
    return "Geox" not in morph().parse(word)[0].tag


@cache
def gazetteer() -> Gazetteer:
    """The shipped gazetteer, indexed once per process."""
    places: dict[str, Place] = {}
    names: dict[tuple[str, ...], str] = {}
    lemma_names: dict[str, str] = {}
    risky: set[tuple[str, ...]] = set()
    with GAZETTEER_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["kind"] == "country":
                continue
            region = row["code"] if row["kind"] == "region" else row["parent"]
            place = Place(row["code"], row["kind"], region, row["name_ru"])
            places[place.code] = place
            russian = [row["name_ru"], *_split(row["aliases_ru"]), *_split(row["forms_ru"])]
            english = [row["name_en"], *_split(row["aliases_en"])]
            english += [iuliia.WIKIPEDIA.translate(n) for n in [row["name_ru"], *_split(row["aliases_ru"])]]
            surname_like = _is_risky(row["name_ru"]) if " " not in row["name_ru"] else False
            for name in russian + english:
                key = _key(name)
                if not key or len(key) > MAX_WORDS:
                    continue
                # A town never takes a name a region already has (Москва the region, not a town).
                if key not in names or places[names[key]].kind != "region":
                    names.setdefault(key, place.code)
                if len(key) == 1 and (_is_risky(name) or (surname_like and name in english)):
                    risky.add(key)
            if " " not in row["name_ru"]:
                lemma_names.setdefault(row["name_ru"].lower().replace("ё", "е"), place.code)
    return Gazetteer(places, names, lemma_names, frozenset(risky))


def _split(value: str) -> list[str]:
    return [v for v in value.split("|") if v]


def find_places(tokens: list[Token], location_spans: Sequence[tuple[int, int]] = ()) -> list[PlaceMention]:
    """Every place named in ``tokens`` (longest names first), with its character span."""
    index = gazetteer()
    found: list[PlaceMention] = []
    i = 0
    while i < len(tokens):
        matched = _match_at(index, tokens, i, location_spans)
        if matched is None:
            i += 1
            continue
        found.append(matched[0])
        i += matched[1]
    return found


def _match_at(
    index: Gazetteer, tokens: list[Token], i: int, location_spans: Sequence[tuple[int, int]]
) -> tuple[PlaceMention, int] | None:
    if not tokens[i].capitalized:
        return None
    for size in range(min(MAX_WORDS, len(tokens) - i), 0, -1):
        window = tokens[i : i + size]
        key = tuple(t.lower for t in window)
        code = index.names.get(key)
        confidence = 0.9
        if code is None and size == 1:
            code = _by_lemma(index, tokens[i])
            confidence = 0.75
        if code is None:
            continue
        start, end = window[0].start, window[-1].end
        in_location = any(s <= start and end <= e for s, e in location_spans)
        if key in index.risky or confidence < 0.9:
            cued = i > 0 and tokens[i - 1].lower.rstrip(".") in _CUES
            if not (cued or in_location):
                return None
        if in_location:
            confidence = min(1.0, confidence + 0.05)
        return PlaceMention(index.places[code], start, end, confidence), size
    adjective = _ADJECTIVES.get(tokens[i].lemma)
    if adjective:
        region = index.places[adjective]
        return PlaceMention(region, tokens[i].start, tokens[i].end, 0.4), 1
    return None


def _by_lemma(index: Gazetteer, token: Token) -> str | None:
    """A Russian form the gazetteer does not list, recognised by the lemma pymorphy3 gives it."""
    if not any("а" <= c <= "я" for c in token.lower):
        return None
    for parse in morph().parse(token.lower):
        if "Geox" in parse.tag:
            code = index.lemma_names.get(str(parse.normal_form).replace("ё", "е"))
            if code:
                return code
    return None
