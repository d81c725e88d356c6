"""Turning what people type in a spreadsheet into Khronika's codes: terms, places, statuses.

Everything is looked up in dictionaries built once per file, so 200,000 rows cost no query each.
Keys are normalised (case, ё/е, punctuation, spacing) so that «Республика Дагестан», "dagestan" and
"RU-DA" all find the same region.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from django.db.models import Q
from django.utils import translation

from khronika.accounts.models import Compartment
from khronika.records.dates import Precision
from khronika.records.models import Incident, Organisation, Person, Place, Source, Term


def normalise(text: str) -> str:
    text = text.casefold().replace("ё", "е")
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


# Words people add around a place name or an article number that carry no meaning for the lookup.
_PLACE_NOISE = {"г", "город", "city", "of", "пос", "поселок", "село", "с"}
_ARTICLE_NOISE = {"ст", "статья", "art", "article", "рф", "rf", "ч", "часть", "part"}
_CODE_NAMES = {"koap": ("коап", "cao", "koap"), "uk": ("ук", "cc", "uk")}


def _without(words: set[str], text: str) -> str:
    return " ".join(word for word in normalise(text).split() if word not in words)


class Vocabularies:
    """Term codes by code or label, in either language, for every vocabulary an import uses."""

    def __init__(self) -> None:
        self._index: dict[str, dict[str, str]] = {}
        for term in Term.objects.filter(deprecated=False).select_related("vocabulary"):
            index = self._index.setdefault(term.vocabulary.code, {})
            for key in self._keys(term):
                index.setdefault(key, term.code)

    @staticmethod
    def _keys(term: Term) -> Iterable[str]:
        yield from (normalise(term.code), normalise(term.label_en), normalise(term.label_ru))
        if term.vocabulary.code == "legal_article" and "-" in term.code:
            code, number = term.code.split("-", 1)
            for label in (term.label_en, term.label_ru):
                yield _without(_ARTICLE_NOISE, label.split(":", 1)[0])
            for name in _CODE_NAMES.get(code, ()):
                yield _without(_ARTICLE_NOISE, f"{number} {name}")
                yield _without(_ARTICLE_NOISE, f"{name} {number}")

    def code(self, vocabulary: str, text: str) -> str | None:
        index = self._index.get(vocabulary, {})
        found = index.get(normalise(text))
        if found is None and vocabulary == "legal_article":
            found = index.get(_without(_ARTICLE_NOISE, text))
        return found


class Places:
    """Regions and towns by ISO code or by name, alias or inflected form in Russian or English."""

    def __init__(self) -> None:
        self._by_key: dict[str, list[Place]] = {}
        places = Place.objects.exclude(kind=Place.Kind.COUNTRY).select_related("parent")
        for place in places:
            names = [place.code, place.name_ru, place.name_en, *place.aliases_ru, *place.aliases_en]
            names += place.forms_ru
            for key in {_without(_PLACE_NOISE, name) for name in names if name}:
                self._by_key.setdefault(key, []).append(place)

    def candidates(self, text: str) -> list[Place]:
        return list(self._by_key.get(_without(_PLACE_NOISE, text), []))

    def region(self, text: str) -> Place | None:
        return next((p for p in self.candidates(text) if p.kind == Place.Kind.REGION), None)


def _choice_index(choices: Iterable[tuple[str, object]], extra: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Values of a TextChoices by value, English label, Russian label and ``extra`` synonyms."""
    index: dict[str, str] = {}
    for value, label in choices:
        index[normalise(value)] = value
        for language in ("en", "ru"):
            with translation.override(language):
                index.setdefault(normalise(str(label)), value)
        for synonym in extra.get(value, ()):
            index.setdefault(normalise(synonym), value)
    return index


@cache
def statuses() -> dict[str, str]:
    return _choice_index(
        Incident.Status.choices,
        {
            "reported": ("сообщено", "получено", "новое", "new"),
            "corroborated": ("подтверждено", "подтверждено источниками"),
            "verified": ("проверено", "верифицировано"),
        },
    )


@cache
def confidentialities() -> dict[str, str]:
    return _choice_index(
        Incident.Confidentiality.choices,
        {
            "restricted": ("ограниченный", "ограничено", "служебное"),
            "confidential": ("конфиденциально", "конфиденциальный", "секретно"),
            "public": ("публичный", "можно публиковать", "публикация"),
        },
    )


@cache
def precisions() -> dict[str, str]:
    return _choice_index(
        Precision.choices,
        {
            "day": ("день", "точная дата", "exact"),
            "month": ("месяц",),
            "year": ("год",),
            "approximate": ("приблизительно", "примерно", "около", "approx", "circa", "ca"),
        },
    )


# Reliability grades are Latin letters; Russian keyboards give look-alike Cyrillic ones.
RELIABILITY = {**{g.casefold(): g for g in "ABCDEF"}, "а": "A", "в": "B", "с": "C", "е": "E"}


class CompartmentRecords:
    """Existing people, sources and units an import may refer to.

    People and sources are looked up in the target compartment only: an import must never attach a
    record of another compartment (threat model 3, need-to-know), even one the importer can see.
    """

    def __init__(self, compartment: Compartment) -> None:
        self.compartment = compartment
        self._people: dict[str, Person | None] = {}
        self._sources: dict[str, Source | None] = {}
        self._units: dict[str, Organisation | None] = {}

    def person(self, pseudonym: str) -> Person | None:
        key = pseudonym.strip().upper()
        if key not in self._people:
            self._people[key] = Person.objects.filter(compartment=self.compartment, pseudonym=key).first()
        return self._people[key]

    def source(self, reference: str) -> Source | None:
        key = reference.strip().upper()
        if key not in self._sources:
            self._sources[key] = Source.objects.filter(compartment=self.compartment, reference=key).first()
        return self._sources[key]

    def unit(self, name: str) -> Organisation | None:
        key = name.strip()
        if key not in self._units:
            self._units[key] = Organisation.objects.filter(
                Q(name_ru__iexact=key) | Q(name_en__iexact=key)
            ).first()
        return self._units[key]
