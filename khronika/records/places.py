"""Choosing places in forms: regions, and towns grouped under their region."""

from __future__ import annotations

from khronika.records.models import Place
from khronika.records.models.bilingual import in_language


def region_choices(empty_label: str = "—") -> list[tuple[str, str]]:
    regions = Place.objects.filter(kind=Place.Kind.REGION).values_list("code", "name_ru", "name_en")
    choices = sorted(((code, in_language(ru, en)) for code, ru, en in regions), key=lambda c: c[1])
    return [("", empty_label), *choices]


def place_choices(empty_label: str = "—") -> list[tuple[str, object]]:
    """Every region followed by its towns, as optgroups, so a town can be picked without JavaScript."""
    rows = list(
        Place.objects.exclude(kind=Place.Kind.COUNTRY).values(
            "id", "code", "kind", "parent_id", "name_ru", "name_en"
        )
    )
    towns: dict[int, list[tuple[str, str]]] = {}
    for row in rows:
        if row["kind"] != Place.Kind.REGION:
            towns.setdefault(row["parent_id"], []).append(
                (row["code"], in_language(row["name_ru"], row["name_en"]))
            )
    groups: list[tuple[str, object]] = [("", empty_label)]
    regions = sorted(
        (r for r in rows if r["kind"] == Place.Kind.REGION),
        key=lambda r: in_language(r["name_ru"], r["name_en"]),
    )
    for region in regions:
        name = in_language(region["name_ru"], region["name_en"])
        options = [(region["code"], name), *sorted(towns.get(region["id"], []), key=lambda c: c[1])]
        groups.append((name, options))
    return groups
