"""``khronika import-spreadsheet``: the same import from the command line."""

import json

import pytest
from django.core.management import CommandError, call_command

from khronika.ledger.models import LedgerEntry
from khronika.records.models import Incident
from khronika.records.tests.test_spreadsheet_support import HEADERS, ROWS, counts, csv_bytes


def test_it_imports_with_guessed_columns_and_ledgers_as_the_system(team, tmp_path, capsys):
    path = tmp_path / "incidents.csv"
    path.write_bytes(csv_bytes())
    call_command("import-spreadsheet", str(path), "--compartment", "Home")
    assert Incident.objects.filter(compartment=team.home).count() == 2
    assert "Imported 2 incidents" in capsys.readouterr().out
    assert set(LedgerEntry.objects.values_list("actor", flat=True)) == {"system"}


def test_it_takes_a_mapping_file(team, tmp_path):
    path = tmp_path / "incidents.csv"
    headers = ["when", "what", "headline"]
    path.write_bytes(csv_bytes(headers, [["2025-03", "extortion", "Synthetic"]]))
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"when": "date", "what": "act_type", "headline": "title"}))
    call_command("import-spreadsheet", str(path), "--mapping", str(mapping), "--compartment", "Home")
    assert Incident.objects.get().date_precision == "month"


def test_it_writes_nothing_when_a_row_is_wrong_unless_valid_only(team, tmp_path):
    rows = [ROWS[0], [*ROWS[1][:3], "unknown act", *ROWS[1][4:]]]
    path = tmp_path / "incidents.csv"
    path.write_bytes(csv_bytes(HEADERS, rows))
    before = counts()
    with pytest.raises(CommandError, match="Nothing was imported: 1 of 2 rows"):
        call_command("import-spreadsheet", str(path), "--compartment", "Home")
    assert counts() == before
    call_command("import-spreadsheet", str(path), "--compartment", "Home", "--valid-only")
    assert Incident.objects.count() == 1


def test_it_refuses_an_unknown_compartment(team, tmp_path):
    path = tmp_path / "incidents.csv"
    path.write_bytes(csv_bytes())
    with pytest.raises(CommandError, match="no compartment"):
        call_command("import-spreadsheet", str(path), "--compartment", "Nowhere")
