"""Who may import, and where to: IMPORT capability, and only into one's own compartments."""

from django.urls import reverse

from khronika.records.models import Incident
from khronika.records.tests.test_spreadsheet_support import (
    counts,
    csv_bytes,
    guessed_columns,
    staged,
    web_upload,
)


def test_an_analyst_without_the_import_capability_gets_404(client, team):
    client.force_login(team.analyst)
    assert client.get(reverse("records:import_upload")).status_code == 404
    before = counts()
    assert web_upload(client, csv_bytes(), team.home).status_code == 404
    assert counts() == before


def test_an_outsider_cannot_import_into_a_compartment_they_are_not_in(client, team):
    client.force_login(team.outsider)
    before = counts()
    assert web_upload(client, csv_bytes(), team.home).status_code == 404
    assert counts() == before


def test_the_upload_form_offers_only_the_users_compartments(client, team):
    client.force_login(team.outsider)
    page = client.get(reverse("records:import_upload")).content.decode()
    assert "Elsewhere" in page and "Home" not in page


def test_an_outsider_cannot_use_someone_elses_staged_upload(client, team):
    client.force_login(team.documenter)
    page = web_upload(client, csv_bytes(), team.home)
    fields = {**staged(page), **guessed_columns(page)}
    client.force_login(team.outsider)
    assert client.post(reverse("records:import_columns"), fields).status_code == 404
    assert client.post(reverse("records:import_confirm"), {**fields, "mapping": "{}"}).status_code == 404
    assert Incident.objects.count() == 0


def test_a_victim_pseudonym_from_another_compartment_is_not_found(team):
    from khronika.records.spreadsheets.importing import prepare
    from khronika.testing.factories import PersonFactory

    stranger = PersonFactory(compartment=team.elsewhere)
    data = csv_bytes(["Название", "Нарушение", "Псевдоним"], [["x", "extortion", stranger.pseudonym]])
    _table, _mapping, report = prepare(data, "incidents.csv", None, team.home)
    assert [str(p) for p in report.problems] == [
        f"Row 2, column “Псевдоним” (C): no person with the pseudonym {stranger.pseudonym} is in the "
        "compartment you import into."
    ]
