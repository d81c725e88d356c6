"""Importing from the browser: upload, columns pre-filled from the headers, report, confirm."""

from django.urls import reverse

from khronika.ledger.models import LedgerEntry
from khronika.records.models import Incident
from khronika.records.spreadsheets import staging
from khronika.records.tests.test_spreadsheet_support import (
    counts,
    csv_bytes,
    guessed_columns,
    staged,
    web_upload,
    xlsx_bytes,
)


def test_it_guesses_the_columns_from_russian_headers(client, team):
    client.force_login(team.documenter)
    page = web_upload(client, xlsx_bytes(), team.home, "incidents.xlsx")
    assert page.status_code == 200
    columns = guessed_columns(page)
    assert columns["column_0"] == "date" and columns["column_1"] == "region"
    assert columns["column_3"] == "act_type" and columns["column_4"] == "title"


def test_it_keeps_the_upload_encrypted_between_steps(client, team, settings):
    client.force_login(team.documenter)
    data = csv_bytes()
    page = web_upload(client, data, team.home)
    stored = (settings.DATA_DIR / "import-staging" / page.context["token"]).read_bytes()
    assert "Задержание".encode() not in stored and data not in stored
    assert staging.unstash(page.context["token"], page.context["key"]) == data
    assert page.context["key"] not in str(dict(client.session))


def test_it_imports_after_confirmation_and_deletes_the_upload(client, team, settings):
    client.force_login(team.documenter)
    page = web_upload(client, csv_bytes(), team.home)
    report = client.post(reverse("records:import_columns"), {**staged(page), **guessed_columns(page)})
    assert report.status_code == 200 and report.context["valid"] == 2
    assert Incident.objects.count() == 0
    response = client.post(
        reverse("records:import_confirm"), {**staged(page), "mapping": report.context["mapping_json"]}
    )
    assert response.status_code == 302
    assert Incident.objects.filter(compartment=team.home).count() == 2
    assert LedgerEntry.objects.filter(action="import").count() == 1
    assert not (settings.DATA_DIR / "import-staging" / page.context["token"]).exists()


def test_it_shows_the_mapping_again_when_a_required_field_has_no_column(client, team):
    client.force_login(team.documenter)
    page = web_upload(client, csv_bytes(), team.home)
    columns = {**guessed_columns(page), "column_3": ""}
    response = client.post(reverse("records:import_columns"), {**staged(page), **columns})
    assert response.status_code == 400
    assert "No column holds “Act type”" in response.content.decode()


def test_cancel_deletes_the_upload(client, team, settings):
    client.force_login(team.documenter)
    page = web_upload(client, csv_bytes(), team.home)
    before = counts()
    client.post(reverse("records:import_cancel"), staged(page))
    assert not (settings.DATA_DIR / "import-staging" / page.context["token"]).exists()
    assert counts() == before
