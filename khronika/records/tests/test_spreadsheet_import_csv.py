"""Importing incidents from a CSV file: UTF-8, UTF-8 with BOM, Windows-1251, commas or semicolons."""

import pytest

from khronika.ledger.models import LedgerEntry
from khronika.ledger.services import verify
from khronika.records.models import Act, Incident, Information, Person, Source
from khronika.records.spreadsheets.importing import prepare, write
from khronika.records.tests.test_spreadsheet_support import HEADERS, ROWS, csv_bytes


def import_csv(team, data, filename="incidents.csv"):
    _table, _mapping, report = prepare(data, filename, None, team.home)
    assert report.problems == []
    return write(team.documenter, report, valid_only=False, data=data)


@pytest.mark.parametrize(
    "data",
    [
        csv_bytes(),
        b"\xef\xbb\xbf" + csv_bytes(),
        csv_bytes(delimiter=";"),
        csv_bytes(encoding="cp1251", delimiter=";"),
    ],
    ids=["utf-8", "utf-8-bom", "semicolons", "cp1251"],
)
def test_it_imports_every_row_with_its_act_victim_and_source(team, data):
    result = import_csv(team, data)
    assert len(result.created) == 2
    first = Incident.objects.get(reference=result.created[0])
    assert first.title == "Задержание после встречи"
    assert first.compartment == team.home
    assert first.place.code.startswith("RU-DA") and first.region.code == "RU-DA"
    assert str(first.date_start) == "2025-11-03" and first.date_precision == "day"
    act = Act.objects.get(incident=first)
    assert act.act_type.code == "arbitrary-detention"
    assert act.legal_article.code == "koap-6.21"
    assert act.perpetrator_type.code == "police"
    assert act.victim.family_name == "Человек" and act.victim.compartment == team.home
    second = Incident.objects.get(reference=result.created[1])
    assert second.date_precision == "month" and str(second.date_end) == "2025-11-30"
    assert second.region.code == "RU-CE"
    assert Act.objects.get(incident=second).act_type.code == "extortion"
    # The same new source named in two rows is one source.
    assert Source.objects.count() == 1 and Information.objects.count() == 2
    assert Person.objects.count() == 1


def test_it_ledgers_every_created_record_and_the_file(team):
    before = LedgerEntry.objects.count()
    import_csv(team, csv_bytes())
    entries = LedgerEntry.objects.order_by("seq")[before:]
    kinds = [(e.action, e.object_type) for e in entries]
    assert kinds.count(("create", "records.incident")) == 2
    assert kinds.count(("create", "records.act")) == 2
    assert ("create", "records.person") in kinds and ("create", "records.source") in kinds
    assert kinds[-1] == ("import", "records.spreadsheet")
    assert all(e.actor == f"user:{team.documenter.pk}" for e in entries)
    assert verify()[1] is None


def test_it_keeps_cells_that_look_like_formulas_as_plain_text(team):
    rows = [list(ROWS[0])]
    rows[0][4] = '=HYPERLINK("http://example.invalid","x")'
    rows[0][5] = "+7 900 000-00-00"
    result = import_csv(team, csv_bytes(HEADERS, rows))
    incident = Incident.objects.get(reference=result.created[0])
    assert incident.title == '=HYPERLINK("http://example.invalid","x")'
    assert Act.objects.get(incident=incident).victim.given_name == "+7 900 000-00-00"
