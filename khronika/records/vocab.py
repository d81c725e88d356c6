"""Reading controlled vocabularies: choices for forms and hierarchy for filters."""

from __future__ import annotations

from django.db.models import QuerySet

from khronika.records.models import Term
from khronika.records.models.bilingual import in_language


def terms(vocabulary: str) -> QuerySet[Term]:
    return Term.objects.filter(vocabulary__code=vocabulary, deprecated=False).order_by("sort_order")


def indented_choices(vocabulary: str, empty_label: str | None = "—") -> list[tuple[str, str]]:
    """(code, label) pairs in tree order, children indented, for a select that needs no JavaScript."""
    rows = list(terms(vocabulary).values("id", "code", "parent_id", "label_en", "label_ru"))
    children: dict[int | None, list[dict[str, object]]] = {}
    for row in rows:
        children.setdefault(row["parent_id"], []).append(row)  # type: ignore[arg-type]  # values() dict
    choices: list[tuple[str, str]] = [("", empty_label)] if empty_label is not None else []

    def walk(parent: int | None, depth: int) -> None:
        for row in children.get(parent, []):
            label = in_language(str(row["label_ru"]), str(row["label_en"]))
            choices.append((str(row["code"]), "\u2003" * depth + label))
            walk(row["id"], depth + 1)  # type: ignore[arg-type]  # ids are ints

    walk(None, 0)
    return choices


def with_descendants(vocabulary: str, code: str) -> list[int]:
    """Ids of the term ``code`` and every narrower term: filtering by "detention" finds its kinds too."""
    pairs = list(terms(vocabulary).values_list("id", "parent_id", "code"))
    selected = [term_id for term_id, _parent, term_code in pairs if term_code == code]
    frontier = list(selected)
    while frontier:
        frontier = [term_id for term_id, parent, _code in pairs if parent in frontier]
        selected.extend(frontier)
    return selected


def term_by_code(vocabulary: str, code: str) -> Term | None:
    if not code:
        return None
    return Term.objects.filter(vocabulary__code=vocabulary, code=code).first()
