"""The person CSV that ``khronika link dedupe`` reads, the incident CSV of ``khronika link incidents``,
and the cluster CSV both write (docs/data-format.md).

Reading collects every bad row with its line number instead of stopping at the first, so the person
who prepared the file can fix them all at once; the caller decides whether to skip them.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from khronika.linkage import normalise
from khronika.linkage.types import ClusterAssignment, IncidentRecord, PersonRecord

PERSON_COLUMNS = (
    "record_id",
    "given_name",
    "family_name",
    "patronymic",
    "birth_date",
    "age",
    "incident_date",
    "region",
    "town",
    "source",
)
INCIDENT_COLUMNS = ("record_id", "date", "region", "town", "act_types", "persons", "source")
LIST_SEPARATOR = ";"
"""Between the act-type codes, and between the person keys, of one cell."""
CLUSTER_COLUMNS = ("record_id", "cluster_id", "match_probability")
MAX_AGE = 120
RecordT = TypeVar("RecordT", PersonRecord, IncidentRecord)


class UnreadableFile(Exception):
    """The file as a whole cannot be read (not UTF-8, not a CSV, columns missing)."""


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


def read_persons(path: Path) -> tuple[list[PersonRecord], list[RowError]]:
    """Good rows as records, and one error per bad row (line numbers count the header as line 1)."""
    return _read(path, PERSON_COLUMNS, _record)


def read_incidents(path: Path) -> tuple[list[IncidentRecord], list[RowError]]:
    """The incident CSV as ``read_persons`` reads the person CSV."""
    return _read(path, INCIDENT_COLUMNS, _incident)


def _read(
    path: Path, columns: tuple[str, ...], make: Callable[[dict[str, str | None]], RecordT]
) -> tuple[list[RecordT], list[RowError]]:
    records: list[RecordT] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [column for column in columns if column not in (reader.fieldnames or [])]
            if missing:
                raise UnreadableFile(
                    _("The first line must name the columns; these are missing: %(columns)s.")
                    % {"columns": ", ".join(missing)}
                )
            for row in reader:
                line = reader.line_num
                try:
                    record = make(row)
                except ValueError as exc:
                    errors.append(RowError(line, str(exc)))
                    continue
                if record.record_id in seen:
                    errors.append(
                        RowError(line, _("record_id %(id)s appears twice.") % {"id": record.record_id})
                    )
                    continue
                seen.add(record.record_id)
                records.append(record)
    except UnicodeDecodeError:
        raise UnreadableFile(_("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")) from None
    except csv.Error as exc:
        raise UnreadableFile(
            _("The file is not a readable CSV file (%(reason)s).") % {"reason": exc}
        ) from None
    return records, errors


def _cells(row: dict[str, str | None], columns: tuple[str, ...], dates: tuple[str, ...]) -> dict[str, str]:
    """The row's cells, stripped, once the checks every CSV shares have passed."""
    if None in row:  # csv puts the cells beyond the header under the key None
        raise ValueError(_("The row has more cells than the header has columns."))
    value = {column: (row.get(column) or "").strip() for column in columns}
    if not value["record_id"]:
        raise ValueError(_("record_id is empty."))
    for column in dates:
        try:
            normalise.parse_partial_date(value[column])
        except ValueError:
            raise ValueError(
                _("%(column)s “%(value)s” is not a date written as YYYY, YYYY-MM or YYYY-MM-DD.")
                % {"column": column, "value": value[column]}
            ) from None
    return value


def _record(row: dict[str, str | None]) -> PersonRecord:
    value = _cells(row, PERSON_COLUMNS, ("birth_date", "incident_date"))
    age: int | None = None
    if value["age"]:
        if not value["age"].isdigit() or int(value["age"]) > MAX_AGE:
            raise ValueError(
                _("age “%(value)s” is not a whole number of years from 0 to %(max)s.")
                % {"value": value["age"], "max": MAX_AGE}
            )
        age = int(value["age"])
    return PersonRecord(
        record_id=value["record_id"],
        given_name=value["given_name"],
        family_name=value["family_name"],
        patronymic=value["patronymic"],
        birth_date=value["birth_date"],
        age=age,
        incident_date=value["incident_date"],
        region=value["region"],
        town=value["town"],
        source=value["source"],
    )


def _incident(row: dict[str, str | None]) -> IncidentRecord:
    value = _cells(row, INCIDENT_COLUMNS, ("date",))
    return IncidentRecord(
        record_id=value["record_id"],
        date=value["date"],
        region=value["region"],
        town=value["town"],
        act_types=_split_list(value["act_types"]),
        persons=_split_list(value["persons"]),
        source=value["source"],
    )


def _split_list(cell: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip()))


def _write_rows(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A header of ``columns`` and the rows, as every CSV of this module is written."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)


def write_incidents(path: Path, records: Iterable[IncidentRecord]) -> None:
    """Write records in the incident CSV format (used by tests and to export generated sets)."""
    _write_rows(
        path,
        INCIDENT_COLUMNS,
        (
            [
                r.record_id,
                r.date,
                r.region,
                r.town,
                LIST_SEPARATOR.join(r.act_types),
                LIST_SEPARATOR.join(r.persons),
                r.source,
            ]
            for r in records
        ),
    )


def write_persons(path: Path, records: Iterable[PersonRecord]) -> None:
    """Write records in the person CSV format (used by tests and to export generated sets)."""
    _write_rows(
        path,
        PERSON_COLUMNS,
        (
            [
                r.record_id,
                r.given_name,
                r.family_name,
                r.patronymic,
                r.birth_date,
                "" if r.age is None else r.age,
                r.incident_date,
                r.region,
                r.town,
                r.source,
            ]
            for r in records
        ),
    )


def write_clusters(path: Path, assignments: Iterable[ClusterAssignment]) -> None:
    """Write ``record_id, cluster_id, match_probability``, one row per input record."""
    _write_rows(
        path,
        CLUSTER_COLUMNS,
        ([a.record_id, a.cluster_id, f"{a.match_probability:.4f}"] for a in assignments),
    )
