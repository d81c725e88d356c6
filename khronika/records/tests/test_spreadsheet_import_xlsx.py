"""Importing incidents from an XLSX workbook, with real date cells and numbers."""

from datetime import datetime

from khronika.records.models import Act, Incident
from khronika.records.spreadsheets.importing import prepare, write
from khronika.records.tests.test_spreadsheet_support import HEADERS, ROWS, xlsx_bytes


def test_it_imports_a_workbook_with_date_cells_and_english_names(team):
    headers = [*HEADERS, "Days detained", "Status"]
    rows = [
        [*ROWS[0], 3, "corroborated"],
        [*ROWS[1], None, "Проверено"],
    ]
    rows[0][0] = datetime(2025, 11, 3)  # noqa: DTZ001  # a naive date cell, as Excel stores it
    rows[1][1], rows[1][2] = "Chechnya", "Grozny"
    data = xlsx_bytes(headers, rows)
    _table, _mapping, report = prepare(data, "incidents.xlsx", None, team.home)
    assert report.problems == []
    result = write(team.documenter, report, valid_only=False, data=data)
    first, second = (Incident.objects.get(reference=r) for r in result.created)
    assert str(first.date_start) == "2025-11-03" and first.status == "corroborated"
    assert Act.objects.get(incident=first).days_detained == 3
    assert second.region.code == "RU-CE" and second.place.name_en == "Grozny"
    assert second.status == "verified"
