"""The incident list as a CSV or XLSX file, safe to open in a spreadsheet program.

Threat: formula injection. A title typed by anyone (or imported from a hostile source) such as
``=HYPERLINK("http://…", "click")`` or ``=cmd|' /C calc'!A0`` would run or leak data when a colleague
opens the export. Every text cell starting with ``= + - @``, a tab or a carriage return is prefixed with
an apostrophe, so spreadsheet programs show it as text (the OWASP "CSV injection" advice).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from khronika.records.models import Act, Incident

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """``=1+2`` → ``'=1+2``: shown as text, never evaluated."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def columns(with_sensitive: bool) -> list[str]:
    """The headers; titles and narratives only for those who may read them (analysts may not)."""
    headers = [
        _("Reference"),
        _("Date"),
        _("Until"),
        _("Date precision"),
        _("Region code"),
        _("Place"),
        _("Status"),
        _("Act types"),
        _("Perpetrator types"),
        _("Legal articles"),
    ]
    if with_sensitive:
        headers += [_("Title"), _("What happened")]
    return headers


def with_related(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    """``incidents`` with what ``incident_rows`` reads, fetched in three queries rather than per row."""
    acts = Act.objects.select_related("act_type", "perpetrator_type", "legal_article")
    return incidents.select_related("place", "region").prefetch_related(Prefetch("acts", queryset=acts))


def incident_rows(incidents: Iterable[Incident], with_sensitive: bool) -> Iterator[list[str]]:
    for incident in incidents:
        incident_acts = list(incident.acts.all())
        row = [
            incident.reference,
            incident.date_start.isoformat() if incident.date_start else "",
            incident.date_end.isoformat() if incident.date_end else "",
            incident.date_precision,
            incident.region.code if incident.region else "",
            incident.place.name if incident.place else "",
            incident.status,
            "; ".join(act.act_type.code for act in incident_acts),
            "; ".join(act.perpetrator_type.code for act in incident_acts if act.perpetrator_type),
            "; ".join(act.legal_article.code for act in incident_acts if act.legal_article),
        ]
        if with_sensitive:
            row += [incident.title, incident.narrative]
        yield row


def to_csv(headers: list[str], rows: Iterable[list[str]]) -> bytes:
    """UTF-8 with a byte-order mark, which Excel needs to read Cyrillic correctly."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([neutralise(cell) for cell in headers])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return "\ufeff".encode() + text.getvalue().encode("utf-8")


def to_xlsx(headers: list[str], rows: Iterable[list[str]]) -> bytes:
    from openpyxl import Workbook  # only XLSX exports pay for it
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def cells(values: list[str]) -> list[str]:
        # Control characters cannot be stored in XLSX at all; they carry no meaning in a title.
        return [ILLEGAL_CHARACTERS_RE.sub("", neutralise(value)) for value in values]

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Incidents"))
    # openpyxl itself stores any string starting with "=" as a formula: neutralising is needed here too.
    sheet.append(cells(headers))
    for row in rows:
        sheet.append(cells(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
