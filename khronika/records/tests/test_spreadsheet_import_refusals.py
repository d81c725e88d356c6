"""Every bad input is refused with a message naming the row and column, and writes nothing at all."""

import io
import zipfile

import pytest
from django.urls import reverse

from khronika.records.spreadsheets.importing import NothingImported, prepare, write
from khronika.records.spreadsheets.reading import SpreadsheetRefused
from khronika.records.tests.test_spreadsheet_support import (
    HEADERS,
    ROWS,
    counts,
    csv_bytes,
    guessed_columns,
    staged,
    web_upload,
    xlsx_bytes,
)


def with_cell(row, column, value):
    rows = [list(r) for r in ROWS]
    rows[row][HEADERS.index(column)] = value
    return rows


def refused_rows(team, data, filename="incidents.csv"):
    """Problems of a file whose rows are wrong; asserts that importing it writes nothing."""
    before = counts()
    _table, _mapping, report = prepare(data, filename, None, team.home)
    with pytest.raises(NothingImported):
        write(team.documenter, report, valid_only=False, data=data)
    assert counts() == before
    return [str(problem) for problem in report.problems]


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("Нарушение", "flying carpet", "Row 3, column “Нарушение” (D): “flying carpet” is not in the list"),
        (
            "Дата",
            "31.02.2025",
            "Row 3, column “Дата” (A): “31.02.2025”: There is no such date in the calendar.",
        ),
        ("Дата", "yesterday", "Row 3, column “Дата” (A): “yesterday”: Write the date as 2025-11-03"),
        ("Регион", "Atlantis", "Row 3, column “Регион” (B): no region called “Atlantis” is known."),
        ("Нарушение", "", "Row 3, column “Нарушение” (D): the act type is empty."),
    ],
)
def test_it_names_the_row_and_column_of_a_bad_cell_and_writes_nothing(team, column, value, expected):
    problems = refused_rows(team, csv_bytes(rows=with_cell(1, column, value)))
    assert len(problems) == 1
    assert problems[0].startswith(expected)


def test_it_refuses_a_file_without_a_required_column(team):
    headers = [h for h in HEADERS if h != "Нарушение"]
    rows = [[c for h, c in zip(HEADERS, row, strict=True) if h != "Нарушение"] for row in ROWS]
    before = counts()
    with pytest.raises(NothingImported) as refused:
        prepare(csv_bytes(headers, rows), "incidents.csv", None, team.home)
    assert "No column holds “Act type”" in refused.value.problems[0]
    assert counts() == before


def test_it_refuses_formula_cells_in_a_workbook(team):
    rows = with_cell(0, "Название", '=CONCATENATE("a","b")')
    problems = refused_rows(team, xlsx_bytes(rows=rows), "incidents.xlsx")
    assert problems == [
        "Row 2, column “Название” (E): this cell holds a formula. Khronika imports values only: in your "
        "spreadsheet program copy the column and paste it back as values."
    ]


def zip_bomb():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    return buffer.getvalue()


def encrypted_workbook():
    # What Excel writes when a workbook is protected with a password: an OLE container, not a zip.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024


def corrupt_workbook():
    data = bytearray(xlsx_bytes())
    middle = len(data) // 2
    data[middle : middle + 400] = b"\xff" * 400
    return bytes(data)


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        ("Дата,Название\n2025,x\n".encode("utf-16"), "incidents.csv", "The file is in UTF-16 or is not text"),
        (bytes(range(128, 256)) * 4, "incidents.csv", "The text encoding of the file"),
        (
            "Дата,Название\n2025,Задержание\n".encode("koi8_r") * 20,
            "incidents.csv",
            "could not be recognised",
        ),
        (b"just some text, not a workbook", "incidents.xlsx", "This file is not a valid .xlsx workbook."),
        (corrupt_workbook(), "incidents.xlsx", "damaged"),
        (encrypted_workbook(), "incidents.xlsx", "protected with a password"),
        (zip_bomb(), "incidents.xlsx", "refused as possibly harmful"),
        (b"", "incidents.csv", "The file is empty."),
    ],
    ids=["utf-16", "binary", "koi8-r", "not-xlsx", "corrupt-xlsx", "encrypted-xlsx", "zip-bomb", "empty"],
)
def test_it_refuses_an_unreadable_file_with_a_plain_reason(team, data, filename, expected):
    before = counts()
    with pytest.raises(SpreadsheetRefused) as refused:
        prepare(data, filename, None, team.home)
    assert expected in str(refused.value)
    assert counts() == before


def test_it_refuses_too_many_rows(team, settings):
    settings.IMPORT_MAX_ROWS = 1
    with pytest.raises(SpreadsheetRefused, match="more than 1 rows"):
        prepare(csv_bytes(), "incidents.csv", None, team.home)


def test_it_refuses_an_oversized_upload_on_the_web_and_keeps_nothing(client, team, settings):
    settings.IMPORT_MAX_BYTES = 100
    client.force_login(team.documenter)
    before = counts()
    upload = io.BytesIO(csv_bytes())
    upload.name = "incidents.csv"
    response = client.post(reverse("records:import_upload"), {"file": upload, "compartment": team.home.pk})
    assert response.status_code == 400
    assert "larger than the limit" in response.content.decode()
    assert counts() == before


def test_the_web_report_shows_every_problem_and_writes_nothing_on_confirm(client, team):
    client.force_login(team.documenter)
    page = web_upload(client, csv_bytes(rows=with_cell(1, "Регион", "Atlantis")), team.home)
    report = client.post(reverse("records:import_columns"), {**staged(page), **guessed_columns(page)})
    assert "no region called “Atlantis”" in report.content.decode()
    before = counts()
    response = client.post(
        reverse("records:import_confirm"), {**staged(page), "mapping": report.context["mapping_json"]}
    )
    assert response.status_code == 400
    assert counts() == before
