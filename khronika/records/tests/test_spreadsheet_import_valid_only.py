"""Importing only the valid rows, when the user chooses it: exactly those rows are written."""

from django.urls import reverse

from khronika.records.models import Incident
from khronika.records.spreadsheets.importing import prepare, write
from khronika.records.tests.test_spreadsheet_support import (
    HEADERS,
    ROWS,
    csv_bytes,
    guessed_columns,
    staged,
    web_upload,
)

ROWS_WITH_ONE_BAD = [ROWS[0], [*ROWS[1][:3], "unknown act", *ROWS[1][4:]], ROWS[1]]


def test_it_writes_exactly_the_valid_rows(team):
    data = csv_bytes(HEADERS, ROWS_WITH_ONE_BAD)
    _table, _mapping, report = prepare(data, "incidents.csv", None, team.home)
    result = write(team.documenter, report, valid_only=True, data=data)
    assert result.skipped_rows == [3]
    assert len(result.created) == 2
    titles = sorted(incident.title for incident in Incident.objects.all())
    assert titles == sorted([ROWS[0][4], ROWS[1][4]])


def test_the_web_offers_to_import_only_the_valid_rows(client, team):
    client.force_login(team.documenter)
    page = web_upload(client, csv_bytes(HEADERS, ROWS_WITH_ONE_BAD), team.home)
    report = client.post(reverse("records:import_columns"), {**staged(page), **guessed_columns(page)})
    assert "Import the 2 valid rows" in report.content.decode()
    client.post(
        reverse("records:import_confirm"),
        {**staged(page), "mapping": report.context["mapping_json"], "valid_only": "1"},
    )
    assert Incident.objects.count() == 2
