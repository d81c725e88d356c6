"""Stage 2 of a partner dataset: one row per act, every quasi-identifier made coarse.

What the perpetrator knows about his own case (date, place, age, gender, citizenship, what was done,
by which unit, how long the person was held, what followed) is exactly what could single a row out, so
each of these is generalized: date to a quarter, half-year or year; place to a federal district (or
only "Russia"); age to three wide bands; citizenship to "Russian / other"; detention to a few ranges;
the perpetrator unit is never included, only its type. Values are codes, explained in both languages by
the data dictionary (``dictionary.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from khronika.publishing.eligibility import EligibleAct, period_label
from khronika.publishing.tiles import district_of

ALWAYS = ("period", "place", "act_type")
OPTIONAL = ("age", "gender", "citizenship", "perpetrator_type", "detention", "outcome")
DEFAULT_OPTIONAL = ("age", "gender")
PLACE_LEVELS = ("district", "subject", "country")
UNKNOWN = "unknown"

_WIDE_AGE = {"under-18": "under-18", "18-24": "18-34", "25-34": "18-34"}


def wide_age(band: str) -> str:
    if not band:
        return UNKNOWN
    return _WIDE_AGE.get(band, "35-plus")


def detention_range(days: int | None) -> str:
    if days is None or days == 0:
        return "none"
    if days <= 2:
        return "1-2"
    if days <= 15:
        return "3-15"
    return "16-plus"


def place_value(region: str, level: str) -> str:
    if level == "country":
        return "RU" if region.startswith("RU-") else "other"
    if level == "subject":
        return region or UNKNOWN
    return district_of(region)


def outcome(act: EligibleAct) -> str:
    if act.deported:
        return "deported"
    return "injured" if act.injured else "none"


def generalize(
    acts: Sequence[EligibleAct], unit: str, place_level: str, optional: Sequence[str]
) -> list[dict[str, str]]:
    """The rows of the dataset, columns in a fixed order: ``ALWAYS`` then the chosen ``OPTIONAL``."""
    columns = columns_for(optional)
    rows = []
    for act in acts:
        values = {
            "period": period_label(act.day, unit),
            "place": place_value(act.region, place_level),
            "act_type": act.act_type,
            "age": wide_age(act.age_band),
            "gender": act.gender or UNKNOWN,
            "citizenship": UNKNOWN if not act.citizenship else ("RU" if act.citizenship == "RU" else "other"),
            "perpetrator_type": act.perpetrator_type or UNKNOWN,
            "detention": detention_range(act.days_detained),
            "outcome": outcome(act),
        }
        rows.append({c: values[c] for c in columns})
    return rows


def columns_for(optional: Sequence[str]) -> list[str]:
    return [*ALWAYS, *(c for c in OPTIONAL if c in optional)]
