"""Reading a CSV or XLSX file into a table of text cells, refusing anything that cannot be read safely.

An uploaded spreadsheet is hostile until proven otherwise (threat model 3, an informant with an
account, or a file passed along by someone else): it may be huge, a zip bomb, an encrypted or corrupt
workbook, or text in an encoding we would misread. Each refusal says in plain words what to do.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

# An XLSX member may expand this many times its compressed size. Real sheets compress 5-30 times;
# a zip bomb expands thousands of times.
MAX_COMPRESSION_RATIO = 100
# Small members are never a bomb, however well they compress (an empty sheet is all tags).
RATIO_CHECK_FROM_BYTES = 1024 * 1024
# The whole workbook, uncompressed, may be this many times the upload limit.
MAX_UNCOMPRESSED_FACTOR = 20
MAX_ZIP_MEMBERS = 10_000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Letters and signs a genuine Windows-1251 text uses outside ASCII, besides the Cyrillic alphabet.
_CP1251_PLAUSIBLE = set("«»—–№…“”„‘’•\u00a0°±§©®")


class SpreadsheetRefused(Exception):
    """The file cannot be read at all; the message says why and what to do. Nothing was written."""


@dataclass
class Row:
    """One data row: its number as the spreadsheet program shows it (the header is row 1)."""

    number: int
    cells: list[str]


@dataclass
class Table:
    headers: list[str]
    rows: list[Row]
    encoding: str = ""
    # (row number, column index) of XLSX cells holding a formula: refused by validation, never evaluated.
    formulas: set[tuple[int, int]] = field(default_factory=set)

    def cell(self, row: Row, column: int) -> str:
        return row.cells[column] if column < len(row.cells) else ""


def column_letter(index: int) -> str:
    """``0`` → ``A``, ``27`` → ``AB``: how spreadsheet programs name columns."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_table(data: bytes, filename: str) -> Table:
    """The table in ``data``; the format is taken from the content, the name only breaks ties."""
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise SpreadsheetRefused(
            _("The file is larger than the limit of %(mib)s MiB. Split it into smaller files.")
            % {"mib": settings.IMPORT_MAX_BYTES // 2**20}
        )
    if not data.strip():
        raise SpreadsheetRefused(_("The file is empty."))
    if data.startswith(_OLE_MAGIC):
        raise SpreadsheetRefused(
            _(
                "This file is protected with a password, or is an old Excel 97-2003 (.xls) file. "
                "Remove the password, or save it as .xlsx or as CSV UTF-8, and upload it again."
            )
        )
    if data.startswith(b"PK"):
        return _read_xlsx(data)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise SpreadsheetRefused(
            _(
                "This file is not a valid .xlsx workbook. "
                "Open it in your spreadsheet program and save it again."
            )
        )
    return _read_csv(data)


def _build(raw_rows: list[list[str]], encoding: str, formulas: set[tuple[int, int]]) -> Table:
    """Header from the first non-empty row; blank rows skipped; at most IMPORT_MAX_ROWS data rows."""
    headers: list[str] | None = None
    rows: list[Row] = []
    for number, cells in enumerate(raw_rows, start=1):
        if not any(cell.strip() for cell in cells):
            continue
        if headers is None:
            headers = [
                cell.strip() or _("Column %(letter)s") % {"letter": column_letter(i)}
                for i, cell in enumerate(cells)
            ]
            continue
        rows.append(Row(number, cells))
        if len(rows) > settings.IMPORT_MAX_ROWS:
            raise _too_many_rows()
    if headers is None:
        raise SpreadsheetRefused(_("The file is empty."))
    return Table(headers, rows, encoding, formulas)


def _too_many_rows() -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _("The file has more than %(limit)s rows. Split it into smaller files.")
        % {"limit": f"{settings.IMPORT_MAX_ROWS:,}"}
    )


# CSV ------------------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding: UTF-8 (with or without BOM) or Windows-1251.

    Guessing wrong would store garbled names silently, so anything else is refused rather than read.
    """
    advice = _("Save it from your spreadsheet program as “CSV UTF-8” and upload it again.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise SpreadsheetRefused(
            _("The file is in UTF-16 or is not text at all. %(advice)s") % {"advice": advice}
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return _no_control_characters(data[3:].decode("utf-8"), advice), "utf-8-sig"
        except UnicodeDecodeError:
            raise SpreadsheetRefused(
                _("The file says it is UTF-8 but contains bytes that are not. %(advice)s")
                % {"advice": advice}
            ) from None
    try:
        return _no_control_characters(data.decode("utf-8"), advice), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        raise SpreadsheetRefused(
            _("The text encoding of the file is neither UTF-8 nor Windows-1251. %(advice)s")
            % {"advice": advice}
        ) from None
    if not _plausible_cp1251(text):
        raise SpreadsheetRefused(
            _(
                "The text encoding of the file could not be recognised (it is neither UTF-8 nor "
                "Windows-1251; perhaps KOI8-R or a Mac encoding). %(advice)s"
            )
            % {"advice": advice}
        )
    return _no_control_characters(text, advice), "cp1251"


def _no_control_characters(text: str, advice: str) -> str:
    if any(ord(char) < 32 and char not in "\t\r\n" for char in text):
        raise SpreadsheetRefused(_("The file is not plain text. %(advice)s") % {"advice": advice})
    return text


def _plausible_cp1251(text: str) -> bool:
    """Windows-1251 decodes almost any bytes, so check the result reads like Russian.

    Outside ASCII it must be mostly Cyrillic letters, and mostly lower case: KOI8-R puts lower-case
    letters where Windows-1251 has capitals, so KOI8-R text read as Windows-1251 SHOUTS.
    """
    cyrillic = [char for char in text if "А" <= char <= "я" or char in "Ёё"]
    strange = [
        char for char in text if ord(char) > 127 and char not in _CP1251_PLAUSIBLE and char not in cyrillic
    ]
    if len(strange) > max(2, len(cyrillic) // 20):
        return False
    capitals = sum(1 for char in cyrillic if char.isupper())
    return not (len(cyrillic) >= 40 and capitals > 0.7 * len(cyrillic))


def _delimiter(text: str) -> str:
    """Comma, semicolon (Russian Excel's default) or tab: whichever the header line uses most."""
    header = text.lstrip("\r\n").split("\n", 1)[0]
    return max([",", ";", "\t"], key=header.count)


def _read_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    raw_rows: list[list[str]] = []
    try:
        for cells in reader:
            raw_rows.append(cells)
            if len(raw_rows) > settings.IMPORT_MAX_ROWS + 1:
                raise _too_many_rows()
    except csv.Error as error:
        raise SpreadsheetRefused(
            _("Row %(row)s could not be read (%(error)s). Check the quotes in that row.")
            % {"row": reader.line_num, "error": error}
        ) from None
    return _build(raw_rows, encoding, set())


# XLSX -----------------------------------------------------------------------------------------------


def _check_zip(data: bytes) -> None:
    """Look at the zip's directory before openpyxl decompresses anything.

    Threat: a zip bomb (a few kilobytes that expand to gigabytes) exhausting memory or disk. The
    declared sizes are trustworthy bounds: Python's zipfile never yields more bytes than a member
    declares, so a member lying about its size is cut short and then fails its CRC check.
    """
    not_a_workbook = _(
        "This file is not a valid .xlsx workbook. Open it in your spreadsheet program and save it again."
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        raise SpreadsheetRefused(not_a_workbook) from None
    with archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
            raise SpreadsheetRefused(not_a_workbook)
        if any(member.flag_bits & 0x1 for member in members):
            raise SpreadsheetRefused(
                _("This workbook is protected with a password. Remove the password and upload it again.")
            )
        total = sum(member.file_size for member in members)
        bomb = len(members) > MAX_ZIP_MEMBERS or total > MAX_UNCOMPRESSED_FACTOR * settings.IMPORT_MAX_BYTES
        bomb = bomb or any(
            member.file_size > RATIO_CHECK_FROM_BYTES
            and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
            for member in members
        )
        if bomb:
            raise SpreadsheetRefused(
                _(
                    "This workbook would take far more space unpacked than a real spreadsheet "
                    "(%(mib)s MiB): it is refused as possibly harmful. Save it again as CSV UTF-8."
                )
                % {"mib": total // 2**20}
            )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook  # imported here: only XLSX uploads pay for it

    _check_zip(data)
    raw_rows: list[list[str]] = []
    formulas: set[tuple[int, int]] = set()
    try:
        # data_only=False so that formulas are seen as formulas (and refused), never as their cached
        # result; openpyxl parses the XML with defusedxml, which is installed (no entity expansion).
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            sheet = workbook.worksheets[0]
            for number, cells in enumerate(sheet.iter_rows(), start=1):
                texts: list[str] = []
                for index, cell in enumerate(cells):
                    value = getattr(cell, "value", None)
                    if getattr(cell, "data_type", "") == "f":
                        formulas.add((number, index))
                    texts.append(_cell_text(value))
                raw_rows.append(texts)
                if len(raw_rows) > settings.IMPORT_MAX_ROWS + 1:
                    raise _too_many_rows()
        finally:
            workbook.close()
    except SpreadsheetRefused:
        raise
    except Exception:  # openpyxl raises many kinds of error on a damaged file; all mean the same here
        raise SpreadsheetRefused(
            _(
                "This workbook is damaged and cannot be read. "
                "Open it in your spreadsheet program and save it again."
            )
        ) from None
    return _build(raw_rows, "xlsx", formulas)
