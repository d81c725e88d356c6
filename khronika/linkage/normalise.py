"""Comparison keys: what two mentions of one person still share after every way of writing them.

Sources write «Матвей», "Matvei", "Matvey" and "Matvej" for one name, give a birth date or only an
age, a town or only its region, a date to the day or "November 2025". Raw string distance treats
each of these as a difference; the keys here remove them before the model compares anything:

- names become a **phonetic Latin skeleton**: Cyrillic is transliterated once (ICAO Doc 9303), every
  text goes through anyascii, and the letters that the common systems (passport/ICAO, BGN/PCGN,
  GOST 7.79, Library of Congress, "common English") write differently are collapsed (y/i/j, kh/h,
  ts/tz/cz/c, e/ye/ie, yo/io/ё, double letters, final -iy/-ii/-y). There is no reverse transliteration,
  so both scripts meet in Latin;
- given names map to the full names they may stand for (Саша → Александр, Александра) through
  ``data/diminutives_ru.csv``, which also tells a given name from a family name when a source
  swapped them;
- dates become day ranges that respect their precision, and an age at an incident date becomes the
  range of birth dates it allows;
- places become ISO 3166-2 region codes and gazetteer town codes, so a town also gives its region.

Nothing here imports Django: the functions run inside the model, the benchmarks and the tests alike.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import anyascii
import iuliia  # type: ignore[import-untyped]  # it ships neither stubs nor py.typed

DATA = Path(__file__).resolve().parent / "data"
GAZETTEER = Path(__file__).resolve().parent.parent / "records" / "data" / "gazetteer.csv"

_CYRILLIC = re.compile("[\u0400-\u04ff]")
# ISO 9 / GOST 7.79 system A letters, spelled as the other systems spell them before anyascii
# would strip their diacritics (č → c would lose the "h" every other system writes).
_DIACRITIC_LETTERS = {
    "č": "ch",
    "š": "sh",
    "ŝ": "shch",
    "ž": "zh",
    "û": "iu",
    "â": "ia",
    "ê": "e",
    "ë": "e",
    "è": "e",
    "ǎ": "a",
}
# Applied in order, after lower-casing and anyascii; each line merges spellings of one sound.
_COLLAPSE = [
    ("x", "ks"),
    ("shch", "sh"),
    ("shh", "sh"),
    ("sch", "sh"),
    ("tch", "ch"),
    ("ck", "k"),
    ("cz", "ts"),
    ("tz", "ts"),
    ("q", "k"),
    ("w", "v"),
    ("ph", "f"),
    ("kh", "h"),
    ("j", "i"),
    ("y", "i"),
]
_C_ALONE = re.compile(r"c(?!h)")
_DOUBLE = re.compile(r"([a-z])\1+")
_NOT_LETTER = re.compile(r"[^a-z]")
_VOWELS = re.compile(r"[aeiou]")


@lru_cache(maxsize=500_000)  # names repeat: a million mentions hold a few thousand distinct names
def skeleton(text: str) -> str:
    """The phonetic Latin key of a name: equal for its Cyrillic form and its usual transliterations.

    ``skeleton("Фёдор") == skeleton("Fyodor") == skeleton("Fedor") == "fedor"``. Words are joined
    (double-barrelled names compare as one), and anything that is not a letter is dropped.
    """
    text = unicodedata.normalize("NFC", text.strip().lower()).replace("ё", "е")
    text = text.replace("ь", "").replace("ъ", "")
    if _CYRILLIC.search(text):
        text = iuliia.ICAO_DOC_9303.translate(text).lower()
    text = "".join(_DIACRITIC_LETTERS.get(ch, ch) for ch in text)
    text = _NOT_LETTER.sub("", anyascii.anyascii(text).lower())
    for old, new in _COLLAPSE:
        text = text.replace(old, new)
    text = _C_ALONE.sub("ts", text)
    text = _DOUBLE.sub(r"\1", text)
    # The iotated vowels: ie/ye/je (е after a vowel), io/yo (ё): after y/j → i above they are ie, io.
    text = text.replace("ie", "e").replace("io", "e")
    return _DOUBLE.sub(r"\1", text)


def consonant_key(key: str) -> str:
    """The skeleton without its vowels after the first letter: survives a wrong or missing vowel."""
    if not key:
        return ""
    return _DOUBLE.sub(r"\1", key[0] + _VOWELS.sub("", key[1:]))


# Russian forms first; English forms for foreign citizens and English-language sources.
DIMINUTIVE_LISTS = ("diminutives_ru.csv", "diminutives_en.csv")


@cache
def _diminutives() -> dict[str, frozenset[str]]:
    """Skeleton of every form in the list → skeletons of the full names it may stand for."""
    forms: dict[str, set[str]] = {}
    for name in DIMINUTIVE_LISTS:
        with (DATA / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(line for line in handle if not line.startswith("#")):
                full = skeleton(row["full_name"])
                forms.setdefault(skeleton(row["diminutive"]), set()).add(full)
                forms.setdefault(full, set()).add(full)
    return {form: frozenset(names) for form, names in forms.items()}


@lru_cache(maxsize=200_000)
def given_name_group(name: str) -> tuple[str, ...]:
    """The full names (as skeletons, sorted) a given name may stand for; the name itself if unknown.

    ``given_name_group("Саша") == ("aleksandr", "aleksandra")``; two mentions agree on a given name
    when their groups share a member.
    """
    key = skeleton(first_word(name))
    if not key:
        return ()
    return tuple(sorted(_diminutives().get(key, frozenset({key}))))


def is_known_given_name(name: str) -> bool:
    """Whether ``name`` is in the list of given names and their diminutives."""
    return skeleton(first_word(name)) in _diminutives()


def first_word(name: str) -> str:
    """The first word of a name: "Анна Мария" is compared as Анна."""
    words = name.split()
    return words[0] if words else ""


_SURNAME_ENDING = re.compile(r"(ov|ova|ev|eva|in|ina|ski|skaia|ska|enko|uk|ian|shvili|dze)$")


def looks_like_family_name(name: str) -> bool:
    """A Russian, Ukrainian, Armenian or Georgian family-name ending (-ов, -ева, -ский, -енко, -ян)."""
    key = skeleton(name)
    return bool(key) and not is_known_given_name(name) and bool(_SURNAME_ENDING.search(key))


def order_names(given: str, family: str) -> tuple[str, str]:
    """Given and family name in that order, swapping them when a source evidently wrote them reversed.

    Swapped when the family field holds a known given name and the given field does not ("Иванов,
    Матвей"), or the given field has a family-name ending and the family field does not (a typo
    may hide the given name: "Andreeva Elizavita"). A lone name goes to the family field unless it
    is a known given name. A person whose family name is also a given name (Марк Лев) stays as
    written.
    """
    if not family and given and not is_known_given_name(given):
        return "", given
    if family and is_known_given_name(family) and not is_known_given_name(given):
        return family, given
    if given and looks_like_family_name(given) and not looks_like_family_name(family):
        return family, given
    return given, family


def forget() -> None:
    """Empty the caches of keys, which hold names and places of the last run.

    Threat: a long-running process (the web server) would otherwise keep decrypted names in memory
    after the vault is sealed; ``model.link`` calls this when it ends.
    """
    for cached in (skeleton, given_name_group, resolve_place, parse_partial_date):
        cached.cache_clear()


# Dates ------------------------------------------------------------------------------------------

_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class DateRange:
    """The days a partial date may mean: "2025-11" is 1–30 November 2025; precision is kept."""

    first: dt.date
    last: dt.date
    precision: str  # "year", "month" or "day"

    def overlaps(self, other: DateRange) -> bool:
        return self.first <= other.last and other.first <= self.last

    def gap_days(self, other: DateRange) -> int:
        """Days between the two ranges; 0 when they overlap."""
        if self.overlaps(other):
            return 0
        if self.last < other.first:
            return (other.first - self.last).days
        return (self.first - other.last).days


@lru_cache(maxsize=200_000)
def parse_partial_date(text: str) -> DateRange | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as a day range; ``None`` when empty.

    Raises ``ValueError`` with a message for the person who typed it.
    """
    text = text.strip()
    if not text:
        return None
    match = _ISO_PARTIAL.match(text)
    if not match:
        raise ValueError(f"“{text}” is not a date written as YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    try:
        if month is None:
            return DateRange(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
        if day is None:
            first = dt.date(year, month, 1)
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return DateRange(first, following - dt.timedelta(days=1), "month")
        day_date = dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"“{text}” is not a date that exists") from None
    return DateRange(day_date, day_date, "day")


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def birth_range(
    birth_date: DateRange | None, age: int | None, incident: DateRange | None
) -> DateRange | None:
    """The birth dates a mention allows: its birth date, or else its age at the incident date.

    Someone aged ``a`` on day ``d`` was born after ``d`` minus ``a + 1`` years and on or before ``d``
    minus ``a`` years; an incident known only to the month or year widens that range accordingly.
    """
    if birth_date is not None:
        return birth_date
    if age is None or incident is None:
        return None
    first = _years_before(incident.first, age + 1) + dt.timedelta(days=1)
    return DateRange(first, _years_before(incident.last, age), "age")


# Places -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a mention puts the person: ISO 3166-2 region and a town key (gazetteer code or skeleton)."""

    region: str
    town: str


def _place_key(name: str) -> str:
    return skeleton(name.replace("ё", "е"))


@cache
def _gazetteer() -> tuple[dict[str, str], dict[str, list[tuple[str, str]]]]:
    """Region key → ISO code, and town key → [(town code, region code)], from the gazetteer file."""
    regions: dict[str, str] = {}
    towns: dict[str, list[tuple[str, str]]] = {}
    with GAZETTEER.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            names = [row["name_ru"], row["name_en"], *_split(row["aliases_ru"]), *_split(row["aliases_en"])]
            names += _split(row["forms_ru"])
            keys = {_place_key(name) for name in names if name} - {""}
            if row["kind"] == "region":
                regions[_place_key(row["code"])] = row["code"]
                for key in keys:
                    regions.setdefault(key, row["code"])
            elif row["kind"] in {"city", "town"}:
                for key in keys:
                    towns.setdefault(key, []).append((row["code"], row["parent"]))
    return regions, towns


def _split(field: str) -> list[str]:
    return [part for part in field.split("|") if part]


_REGION_WORDS = re.compile(
    r"\b(respublika|republic|oblast|oblasti|krai|kraia|region|territory|avtonomnii|okrug|autonomous)\b"
)


@lru_cache(maxsize=200_000)
def resolve_place(region: str, town: str) -> Place:
    """Region code and town key for the region and town a source wrote (any script, code or name).

    A town known to the gazetteer gives its region when the source named none; a region written as
    "Dagestan", «Дагестан», "Republic of Dagestan" or "RU-DA" resolves to ``RU-DA``. Unknown names
    keep their skeleton, so two sources naming the same unlisted village still agree.
    """
    regions, towns = _gazetteer()
    region_code = ""
    if region.strip():
        key = _place_key(region)
        region_code = regions.get(key, "")
        if not region_code:
            # "Dagestan Republic", "Chechnya region": drop the administrative word and retry.
            plain = _REGION_WORDS.sub(" ", anyascii.anyascii(region).lower())
            region_code = regions.get(_place_key(plain), "") or key
    town_key = ""
    if town.strip():
        key = _place_key(town)
        candidates = towns.get(key, [])
        chosen = [c for c in candidates if c[1] == region_code] or (
            candidates if len(candidates) == 1 else []
        )
        if chosen:
            town_key, parent = chosen[0]
            region_code = region_code or parent
        else:
            town_key = key
            # Moscow, St Petersburg and Sevastopol are regions of their own in ISO 3166-2.
            region_code = region_code or regions.get(key, "")
    return Place(region_code, town_key)


# Incidents --------------------------------------------------------------------------------------


def act_type_overlap(left: Iterable[str], right: Iterable[str]) -> float:
    """Jaccard overlap of two incidents' act-type codes: 1.0 same acts, 0.0 none shared or unknown."""
    a, b = set(left), set(right)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
