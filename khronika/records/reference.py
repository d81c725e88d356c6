"""Loading the reference data shipped in ``records/data``: vocabularies and the gazetteer.

Loading is an upsert by code, so it can run again after an upgrade: new terms and places appear,
changed labels are updated, and nothing that records point to is ever deleted.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from khronika.records.models import Place, Term, Vocabulary

DATA_DIR = Path(__file__).resolve().parent / "data"
VOCABULARY_DIR = DATA_DIR / "vocabularies"
GAZETTEER_FILE = DATA_DIR / "gazetteer.csv"


@dataclass(frozen=True)
class LoadSummary:
    vocabularies: int
    terms: int
    places: int


def load_reference_data() -> LoadSummary:
    with transaction.atomic():
        vocabularies, terms = load_vocabularies(VOCABULARY_DIR)
        places = load_gazetteer(GAZETTEER_FILE)
    return LoadSummary(vocabularies, terms, places)


def load_vocabularies(directory: Path) -> tuple[int, int]:
    vocabularies = terms = 0
    for path in sorted(directory.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        vocabulary, _ = Vocabulary.objects.update_or_create(
            code=document["vocabulary"],
            defaults={
                "label_en": document["label_en"],
                "label_ru": document["label_ru"],
                "version": document.get("version", 1),
            },
        )
        vocabularies += 1
        terms += _load_terms(vocabulary, document["terms"], parent=None, counter=[0])
    return vocabularies, terms


def _load_terms(
    vocabulary: Vocabulary, items: list[dict[str, Any]], parent: Term | None, counter: list[int]
) -> int:
    loaded = 0
    known = {
        "code",
        "label_en",
        "label_ru",
        "description_en",
        "description_ru",
        "plain_en",
        "plain_ru",
        "children",
        "deprecated",
    }
    for item in items:
        counter[0] += 1
        term, _ = Term.objects.update_or_create(
            vocabulary=vocabulary,
            code=item["code"],
            defaults={
                "parent": parent,
                "label_en": item["label_en"],
                "label_ru": item["label_ru"],
                "description_en": item.get("description_en", ""),
                "description_ru": item.get("description_ru", ""),
                "plain_en": item.get("plain_en", ""),
                "plain_ru": item.get("plain_ru", ""),
                "deprecated": bool(item.get("deprecated", False)),
                "extra": {k: v for k, v in item.items() if k not in known},
                "sort_order": counter[0],
            },
        )
        loaded += 1 + _load_terms(vocabulary, item.get("children", []), term, counter)
    return loaded


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


def load_gazetteer(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_code = {p.code: p for p in Place.objects.all()}
    # Parents come before children in the file, but an upsert must not rely on it: two passes.
    for row in rows:
        place = by_code.get(row["code"]) or Place(code=row["code"])
        place.kind = row["kind"]
        place.name_ru = row["name_ru"]
        place.name_en = row["name_en"]
        place.population = int(row["population"]) if row.get("population") else None
        place.aliases_ru = _split(row.get("aliases_ru", ""))
        place.aliases_en = _split(row.get("aliases_en", ""))
        place.forms_ru = _split(row.get("forms_ru", ""))
        place.parent = None
        place.save()
        by_code[place.code] = place
    for row in rows:
        if row.get("parent"):
            place = by_code[row["code"]]
            place.parent = by_code[row["parent"]]
            place.save(update_fields=["parent"])
    return len(rows)
