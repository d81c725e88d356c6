"""``khronika link incidents``: an incident CSV in, a cluster CSV out, bad rows refused by line."""

import csv

import pytest
from django.core.management import CommandError, call_command

from khronika.linkage.csv_io import CLUSTER_COLUMNS, INCIDENT_COLUMNS, read_incidents, write_incidents
from khronika.linkage.evaluate import score
from khronika.linkage.incident_generator import generate_incidents


def _run(*args):
    call_command("link", "incidents", *[str(a) for a in args])


def _write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(INCIDENT_COLUMNS)
        writer.writerows(rows)


GOOD = ["a1", "2025-11-05", "RU-DA", "Махачкала", "arbitrary-detention;beating", "p-17", "victim"]
GOOD2 = ["a2", "2025-11", "Дагестан", "", "arbitrary-detention", "p-17;p-18", "telegram:sk-news"]


def test_it_writes_one_cluster_row_per_report_and_finds_the_incidents(tmp_path):
    data = generate_incidents(400, seed=6)
    source, output = tmp_path / "reports.csv", tmp_path / "clusters.csv"
    write_incidents(source, data.records)
    _run(source, "--output", output)
    with output.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames) == CLUSTER_COLUMNS
        rows = list(reader)
    assert [row["record_id"] for row in rows] == [r.record_id for r in data.records]
    assert all(0.0 <= float(row["match_probability"]) <= 1.0 for row in rows)
    assert score({row["record_id"]: row["cluster_id"] for row in rows}, data.incident_of).f1 >= 0.9


def test_it_reads_semicolon_separated_lists(tmp_path):
    source = tmp_path / "reports.csv"
    _write(source, [GOOD, GOOD2])
    records, errors = read_incidents(source)
    assert errors == []
    assert records[0].act_types == ("arbitrary-detention", "beating")
    assert records[1].persons == ("p-17", "p-18")


def test_it_reports_bad_rows_by_line_and_writes_nothing(tmp_path, capsys):
    source, output = tmp_path / "reports.csv", tmp_path / "clusters.csv"
    bad_date = ["a3", "05.11.2025", "RU-DA", "", "", "", ""]
    no_id = ["", "2025-11-05", "RU-DA", "", "", "", ""]
    too_long = ["a5", "2025-11-05", "", "", "", "", "", "extra"]
    _write(source, [GOOD, bad_date, GOOD2, no_id, ["a1", *GOOD[1:]], ["a4", *GOOD[1:]], too_long])
    with pytest.raises(CommandError, match="4 rows cannot be read; nothing was written"):
        _run(source, "--output", output)
    errors = capsys.readouterr().err
    assert "Line 3: date “05.11.2025” is not a date" in errors
    assert "Line 5: record_id is empty" in errors
    assert "Line 6: record_id a1 appears twice" in errors
    assert "Line 8: The row has more cells than the header has columns" in errors
    assert not output.exists()


def test_it_links_the_good_rows_when_asked_to_skip_bad_ones(tmp_path):
    source, output = tmp_path / "reports.csv", tmp_path / "clusters.csv"
    _write(source, [GOOD, ["a3", "вчера", "", "", "", "", ""], GOOD2])
    _run(source, "--output", output, "--skip-bad-rows")
    with output.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["record_id"] for row in rows] == ["a1", "a2"]
    assert rows[0]["cluster_id"] == rows[1]["cluster_id"]


def test_it_names_missing_columns(tmp_path):
    source = tmp_path / "reports.csv"
    source.write_text("record_id,date\na1,2025-11-05\n", encoding="utf-8")
    with pytest.raises(CommandError, match="these are missing: region, town, act_types, persons, source"):
        _run(source, "--output", tmp_path / "out.csv")
