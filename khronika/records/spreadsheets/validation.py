"""Checking every row before anything is written, and naming each problem by row and column.

The output of a valid row is exactly what ``records.services.save_incident`` takes, so the import
writes through the same code as the incident form, and the validation here writes nothing at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from khronika.accounts.models import Compartment
from khronika.records.dates import PartialDateError, Precision, parse_partial_date
from khronika.records.spreadsheets.lookups import (
    RELIABILITY,
    CompartmentRecords,
    Places,
    Vocabularies,
    confidentialities,
    normalise,
    precisions,
    statuses,
)
from khronika.records.spreadsheets.mapping import FIELDS_BY_KEY, Mapping
from khronika.records.spreadsheets.reading import Row, Table, column_letter

# Longest texts the incident form accepts for the same fields.
MAX_LENGTHS = {
    "title": 300,
    "victim_given_name": 200,
    "victim_family_name": 200,
    "perpetrator_unit": 300,
    "legal_article_part": 10,
    "source_name": 300,
}
_RANGE = re.compile(r"\s*(?:–|—|/|\.\.|\s-\s)\s*")
_RUSSIAN_DATE = re.compile(r"^(?:(\d{1,2})\.)?(\d{1,2})\.(\d{4})$")
_TIME_PART = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]\d{1,2}:\d{2}(:\d{2})?$")
_PRECISION_RANK = {Precision.DAY: 0, Precision.MONTH: 1, Precision.YEAR: 2}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    letter: str
    message: str

    def __str__(self) -> str:
        if not self.column:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)s, column “%(column)s” (%(letter)s): %(message)s") % {
            "row": self.row,
            "column": self.column,
            "letter": self.letter,
            "message": self.message,
        }


@dataclass
class CheckedRow:
    number: int
    incident: dict[str, Any] = field(default_factory=dict)
    act: dict[str, Any] = field(default_factory=dict)
    source: dict[str, Any] | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Report:
    rows: list[CheckedRow]

    @property
    def problems(self) -> list[Problem]:
        return [problem for row in self.rows for problem in row.problems]

    @property
    def valid_rows(self) -> list[CheckedRow]:
        return [row for row in self.rows if not row.problems]

    @property
    def invalid_count(self) -> int:
        return sum(1 for row in self.rows if row.problems)


class _RowChecker:
    """Reads the mapped cells of one row, collecting problems instead of stopping at the first."""

    def __init__(self, table: Table, columns: dict[str, int], row: Row) -> None:
        self.table, self.columns, self.row = table, columns, row
        self.result = CheckedRow(row.number)

    def text(self, key: str) -> str:
        index = self.columns.get(key)
        return "" if index is None else self.table.cell(self.row, index).strip()

    def problem(self, key: str, message: str) -> None:
        index = self.columns.get(key)
        header = self.table.headers[index] if index is not None else ""
        letter = column_letter(index) if index is not None else ""
        self.result.problems.append(Problem(self.row.number, header, letter, message))


def validate(table: Table, mapping: Mapping, compartment: Compartment) -> Report:
    """Every row checked against the vocabularies, the gazetteer and the target compartment."""
    columns = {
        key: table.headers.index(header) for header, key in mapping.items() if key and header in table.headers
    }
    vocabularies, places, records = Vocabularies(), Places(), CompartmentRecords(compartment)
    rows = []
    for row in table.rows:
        check = _RowChecker(table, columns, row)
        for key, index in columns.items():
            if (row.number, index) in table.formulas:
                check.problem(
                    key,
                    _(
                        "this cell holds a formula. Khronika imports values only: in your spreadsheet "
                        "program copy the column and paste it back as values."
                    ),
                )
        if not check.result.problems:
            _check_incident(check, compartment, places)
            _check_act(check, vocabularies, records)
            _check_source(check, vocabularies, records)
        rows.append(check.result)
    return Report(rows)


# The incident -----------------------------------------------------------------------------------------


def _check_incident(check: _RowChecker, compartment: Compartment, places: Places) -> None:
    incident = check.result.incident
    incident["compartment"] = compartment
    incident["title"] = check.text("title")
    if not incident["title"]:
        check.problem("title", _("the title is empty. Every incident needs a short title."))
    incident["narrative"] = check.text("narrative")
    incident["status"] = _choice(check, "status", statuses(), "reported")
    incident["confidentiality"] = _choice(check, "confidentiality", confidentialities(), "restricted")
    incident["place"] = _place(check, places)
    _dates(check, incident)
    for key, limit in MAX_LENGTHS.items():
        if len(check.text(key)) > limit:
            check.problem(key, _("this text is longer than %(limit)s characters.") % {"limit": limit})


def _choice(check: _RowChecker, key: str, index: dict[str, str], default: str) -> str:
    text = check.text(key)
    if not text:
        return default
    value = index.get(normalise(text))
    if value is None:
        allowed = ", ".join(sorted(set(index.values())))
        check.problem(key, _("“%(text)s” is not one of: %(allowed)s.") % {"text": text, "allowed": allowed})
        return default
    return value


def _place(check: _RowChecker, places: Places) -> Any:
    region_text, place_text = check.text("region"), check.text("place")
    region = places.region(region_text) if region_text else None
    if region_text and region is None:
        check.problem(
            "region",
            _(
                "no region called “%(text)s” is known. Use its name in Russian or English "
                "(Дагестан, Dagestan) or its ISO code (RU-DA)."
            )
            % {"text": region_text},
        )
        return None
    if not place_text:
        return region
    candidates = places.candidates(place_text)
    if region is not None:
        candidates = [p for p in candidates if p.region == region]
    regions = {p.region for p in candidates}
    if not candidates:
        where = _(" in %(region)s") % {"region": region.name} if region else ""
        check.problem(
            "place",
            _(
                "no place called “%(text)s”%(where)s is known. "
                "Use a town or region name in Russian or English."
            )
            % {"text": place_text, "where": where},
        )
        return None
    if len(regions) > 1:
        check.problem(
            "place",
            _("there are several places called “%(text)s”. Add a region column to say which one.")
            % {"text": place_text},
        )
        return None
    exact_region = [p for p in candidates if p.kind == p.Kind.REGION]
    return exact_region[0] if exact_region else candidates[0]


def _parse_date(text: str) -> tuple[date, date, Precision]:
    """ISO (2025-11-03, 2025-11, 2025), Russian (03.11.2025, 11.2025), or a spreadsheet date-time."""
    timed = _TIME_PART.match(text)
    if timed:
        text = timed.group(1)
    russian = _RUSSIAN_DATE.match(text)
    if russian:
        day, month, year = russian.groups()
        text = f"{year}-{month}" + (f"-{day}" if day else "")
    return parse_partial_date(text)


def _dates(check: _RowChecker, incident: dict[str, Any]) -> None:
    start_text, end_text = check.text("date"), check.text("date_end")
    parts = _RANGE.split(start_text, maxsplit=1) if start_text else []
    if len(parts) == 2 and not end_text:
        start_text, end_text = parts
    try:
        start = _parse_date(start_text) if start_text else None
    except PartialDateError as error:
        check.problem("date", _("“%(text)s”: %(error)s") % {"text": start_text, "error": error})
        return
    try:
        end = _parse_date(end_text) if end_text else None
    except PartialDateError as error:
        check.problem(
            "date_end" if "date_end" in check.columns else "date",
            _("“%(text)s”: %(error)s") % {"text": end_text, "error": error},
        )
        return
    if end and not start:
        check.problem("date", _("there is an end date but no start date."))
        return
    if start and end and end[1] < start[0]:
        check.problem(
            "date_end" if "date_end" in check.columns else "date", _("the end is before the start.")
        )
        return
    precision_text = check.text("date_precision")
    if start and precision_text:
        start = _apply_precision(check, start, precision_text, incident)
    incident["date"], incident["date_end"] = start, end


def _apply_precision(
    check: _RowChecker, start: tuple[date, date, Precision], text: str, incident: dict[str, Any]
) -> tuple[date, date, Precision]:
    """A precision column may only make a date coarser (a day known only to the month), or approximate."""
    wanted = precisions().get(normalise(text))
    if wanted is None:
        allowed = ", ".join(Precision.values)
        check.problem(
            "date_precision", _("“%(text)s” is not one of: %(allowed)s.") % {"text": text, "allowed": allowed}
        )
        return start
    if wanted == Precision.APPROXIMATE:
        incident["approximate"] = True
        return start
    if _PRECISION_RANK[Precision(wanted)] < _PRECISION_RANK[start[2]]:
        check.problem(
            "date_precision",
            _("the date is only known to the %(known)s, so its precision cannot be “%(wanted)s”.")
            % {"known": start[2].label, "wanted": text},
        )
        return start
    first = start[0]
    coarse = f"{first.year:04d}" if wanted == Precision.YEAR else f"{first.year:04d}-{first.month:02d}"
    return parse_partial_date(coarse) if wanted != Precision.DAY else start


# The act ----------------------------------------------------------------------------------------------


def _term(check: _RowChecker, vocabularies: Vocabularies, key: str, vocabulary: str) -> str:
    text = check.text(key)
    if not text:
        return ""
    code = vocabularies.code(vocabulary, text)
    if code is None:
        check.problem(
            key,
            _(
                "“%(text)s” is not in the list of “%(field)s”. "
                "Use a code or a label from the vocabulary, in Russian or English."
            )
            % {"text": text, "field": FIELDS_BY_KEY[key].label},
        )
        return ""
    return code


def _number(check: _RowChecker, key: str, maximum: int) -> int | None:
    text = check.text(key).replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    try:
        value = int(float(text.replace(",", "."))) if re.fullmatch(r"\d+([.,]0+)?", text) else int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= maximum:
        check.problem(
            key, _("“%(text)s” is not a whole number from 0 to %(max)s.") % {"text": text, "max": maximum}
        )
        return None
    return value


def _check_act(check: _RowChecker, vocabularies: Vocabularies, records: CompartmentRecords) -> None:
    act = check.result.act
    act["act_type"] = _term(check, vocabularies, "act_type", "act_type")
    if not check.text("act_type"):
        check.problem("act_type", _("the act type is empty. Say what was done, by its code or label."))
    pseudonym = check.text("victim_pseudonym")
    act["victim_pseudonym"] = records.person(pseudonym) if pseudonym else None
    if pseudonym and act["victim_pseudonym"] is None:
        check.problem(
            "victim_pseudonym",
            _("no person with the pseudonym %(p)s is in the compartment you import into.")
            % {"p": pseudonym.upper()},
        )
    act["victim_given_name"] = check.text("victim_given_name")
    act["victim_family_name"] = check.text("victim_family_name")
    if pseudonym and (act["victim_given_name"] or act["victim_family_name"]):
        check.problem(
            "victim_pseudonym", _("give either an existing pseudonym or a new victim's name, not both.")
        )
    act["victim_gender"] = _term(check, vocabularies, "victim_gender", "gender")
    act["victim_age_band"] = _term(check, vocabularies, "victim_age_band", "age_band")
    act["perpetrator_type"] = _term(check, vocabularies, "perpetrator_type", "perpetrator_type")
    unit_name = check.text("perpetrator_unit")
    act["perpetrator_unit"] = records.unit(unit_name) if unit_name else None
    act["new_unit_name"] = unit_name if unit_name and act["perpetrator_unit"] is None else ""
    if act["new_unit_name"] and not act["perpetrator_type"] and not check.result.problems:
        check.problem(
            "perpetrator_unit",
            _("“%(unit)s” is a new unit: say what kind it is in the perpetrator type column.")
            % {"unit": unit_name},
        )
    act["legal_article"] = _term(check, vocabularies, "legal_article", "legal_article")
    act["legal_article_part"] = check.text("legal_article_part")
    act["discovery_method"] = _term(check, vocabularies, "discovery_method", "discovery_method")
    act["days_detained"] = _number(check, "days_detained", 36500)
    act["fine_rub"] = _number(check, "fine_rub", 100_000_000)
    act["description"] = check.text("act_description")


# The source -------------------------------------------------------------------------------------------


def _check_source(check: _RowChecker, vocabularies: Vocabularies, records: CompartmentRecords) -> None:
    reference = check.text("source_reference")
    source_type = _term(check, vocabularies, "source_type", "source_type")
    name = check.text("source_name")
    if not (reference or check.text("source_type") or name):
        return
    source: dict[str, Any] = {
        "source_reference": None,
        "source_type": source_type,
        "source_name": name,
        "original_text": check.text("original_text"),
    }
    if reference:
        source["source_reference"] = records.source(reference)
        if source["source_reference"] is None:
            check.problem(
                "source_reference",
                _("no source with the reference %(r)s is in the compartment you import into.")
                % {"r": reference.upper()},
            )
        if source_type or name:
            check.problem("source_reference", _("give either an existing source or a new one, not both."))
    elif not (check.text("source_type") and name):
        check.problem(
            "source_name" if not name else "source_type", _("a new source needs both a type and a name.")
        )
    reliability = check.text("reliability")
    source["reliability"] = RELIABILITY.get(reliability.casefold(), "") if reliability else "F"
    if not source["reliability"]:
        check.problem("reliability", _("“%(text)s” is not a grade from A to F.") % {"text": reliability})
    credibility = check.text("credibility")
    source["credibility"] = credibility or "6"
    if credibility and credibility not in {"1", "2", "3", "4", "5", "6"}:
        check.problem("credibility", _("“%(text)s” is not a grade from 1 to 6.") % {"text": credibility})
    check.result.source = source
