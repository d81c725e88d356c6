"""The tile grid of the federal subjects (data/tile_grid.json): one equal cell each.

Equal cells rather than a geographic map: on a real map the small North Caucasus republics, where much
of the persecution happens, are a few pixels wide; here each is as visible as Yakutia. The file is read
once per process; it is part of the repository, so reports need nothing from the internet.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

GRID_FILE = Path(__file__).resolve().parent / "data" / "tile_grid.json"
OTHER_REGION = "other"


@cache
def grid() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GRID_FILE.read_text(encoding="utf-8"))
    return data


def cells() -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = grid()["cells"]
    return result


def region_codes() -> list[str]:
    """Every region a public table has a cell for, then ``other`` (abroad, unknown)."""
    return [c["code"] for c in cells()] + [OTHER_REGION]


def district_of(region: str) -> str:
    """The federal district of a region code, or ``other``."""
    for cell in cells():
        if cell["code"] == region:
            return str(cell["district"])
    return OTHER_REGION


def district_name(district: str, language: str) -> str:
    names = grid()["districts"].get(district)
    if names is None:
        return "другое" if language == "ru" else "other"
    return str(names["name_ru" if language == "ru" else "name_en"])
