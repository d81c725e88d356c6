"""Writing checked rows: all or nothing by default, or only the valid rows when the user chooses so.

Each row becomes one incident with one act (and its source) through ``save_incident``, the same code
as the incident form, so every created incident, act, person, unit, source and information is ledgered
one by one. All rows are written in one transaction: a failure half-way leaves nothing behind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from khronika.accounts.models import Compartment, User
from khronika.ledger.services import Event, record_events
from khronika.records.models import Organisation, Source
from khronika.records.services import save_incident
from khronika.records.spreadsheets.mapping import Mapping, check_mapping, guess_mapping
from khronika.records.spreadsheets.reading import Table, read_table
from khronika.records.spreadsheets.validation import Report, validate


class NothingImported(Exception):
    """Nothing was written; ``problems`` lists why in plain words."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportResult:
    created: list[str]  # references of the new incidents
    skipped_rows: list[int]


def prepare(
    data: bytes, filename: str, mapping: Mapping | None, compartment: Compartment
) -> tuple[Table, Mapping, Report]:
    """Read, map (guessing when ``mapping`` is None) and validate; writes nothing.

    Raises ``SpreadsheetRefused`` for an unreadable file and ``NothingImported`` for an unusable mapping.
    """
    table = read_table(data, filename)
    mapping = guess_mapping(table.headers) if mapping is None else mapping
    problems = check_mapping(mapping, table.headers)
    if problems:
        raise NothingImported(problems)
    return table, mapping, validate(table, mapping, compartment)


def write(
    user: User | None,
    report: Report,
    *,
    valid_only: bool,
    data: bytes,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Write the rows of ``report``; with a problem in any row, write nothing unless ``valid_only``."""
    if report.problems and not valid_only:
        raise NothingImported([str(problem) for problem in report.problems])
    # New units and sources named in several rows are created once and shared by those rows.
    units: dict[str, Organisation] = {}
    sources: dict[tuple[str, str], Source] = {}
    created: list[str] = []
    with transaction.atomic():
        for row in report.valid_rows:
            act, source = dict(row.act), _source(row.source, sources)
            if act["new_unit_name"] in units:
                act["perpetrator_unit"], act["new_unit_name"] = units[act["new_unit_name"]], ""
            incident = save_incident(user, row.incident, [act], source)
            created.append(incident.reference)
            if progress is not None:
                progress(1)
            if act["new_unit_name"]:
                saved_act = incident.acts.select_related("perpetrator_unit").get()
                if saved_act.perpetrator_unit is not None:
                    units[act["new_unit_name"]] = saved_act.perpetrator_unit
            if source and source["source_reference"] is None:
                information = incident.information.select_related("source").first()
                if information is not None:
                    sources[(source["source_type"], source["source_name"])] = information.source
        if created:
            # One entry for the file itself: its SHA-256 is opaque, yet proves later which file it was.
            record_events(user, [Event("import", "records.spreadsheet", hashlib.sha256(data).hexdigest())])
    return ImportResult(created, [row.number for row in report.rows if row.problems])


def _source(source: dict[str, Any] | None, known: dict[tuple[str, str], Source]) -> dict[str, Any] | None:
    if source is None or source["source_reference"] is not None:
        return source
    existing = known.get((source["source_type"], source["source_name"]))
    return source if existing is None else {**source, "source_reference": existing}
