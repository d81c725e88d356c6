"""``khronika link dedupe``: a person CSV in, a cluster CSV out, bad rows reported by line."""

import csv

import pytest
from django.core.management import CommandError, call_command

from khronika.linkage.csv_io import CLUSTER_COLUMNS, PERSON_COLUMNS, write_persons
from khronika.linkage.evaluate import score
from khronika.linkage.generator import generate


def _run(*args):
    call_command("link", "dedupe", *[str(a) for a in args])


def test_it_writes_one_cluster_row_per_record_and_finds_the_people(tmp_path):
    data = generate(600, seed=8)
    source, output = tmp_path / "people.csv", tmp_path / "clusters.csv"
    write_persons(source, data.records)
    _run(source, "--output", output)
    with output.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames) == CLUSTER_COLUMNS
        rows = list(reader)
    assert [row["record_id"] for row in rows] == [r.record_id for r in data.records]
    assert all(0.0 <= float(row["match_probability"]) <= 1.0 for row in rows)
    clusters = {row["record_id"]: row["cluster_id"] for row in rows}
    assert score(clusters, data.person_of).f1 >= 0.9


def _write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PERSON_COLUMNS)
        writer.writerows(rows)


GOOD = ["r1", "Матвей", "Иванов", "", "1995-03-14", "", "2025-11-05", "RU-DA", "", "victim"]
GOOD2 = ["r2", "Matvey", "Ivanov", "", "", "30", "2025-11", "Dagestan", "Makhachkala", "press"]


def test_it_reports_bad_rows_by_line_and_writes_nothing(tmp_path, capsys):
    source, output = tmp_path / "people.csv", tmp_path / "clusters.csv"
    bad_date = ["r3", "Анна", "", "", "14.03.1995", "", "", "", "", ""]
    bad_age = ["r4", "Анна", "", "", "", "тридцать", "", "", "", ""]
    _write(source, [GOOD, bad_date, GOOD2, bad_age, [*GOOD[:1], "Дубль", *GOOD[2:]]])
    with pytest.raises(CommandError, match="3 rows cannot be read; nothing was written"):
        _run(source, "--output", output)
    errors = capsys.readouterr().err
    assert "Line 3: birth_date" in errors
    assert "Line 5: age" in errors
    assert "Line 6: record_id r1 appears twice" in errors
    assert not output.exists()


def test_it_links_the_good_rows_when_asked_to_skip_bad_ones(tmp_path):
    source, output = tmp_path / "people.csv", tmp_path / "clusters.csv"
    _write(source, [GOOD, ["", "Анна"] + [""] * 8, GOOD2])
    _run(source, "--output", output, "--skip-bad-rows")
    with output.open(encoding="utf-8", newline="") as handle:
        assert [row["record_id"] for row in csv.DictReader(handle)] == ["r1", "r2"]


def test_it_names_missing_columns(tmp_path):
    source = tmp_path / "people.csv"
    source.write_text("record_id,given_name\nr1,Анна\n", encoding="utf-8")
    with pytest.raises(CommandError, match="these are missing: family_name"):
        _run(source, "--output", tmp_path / "out.csv")


def test_it_refuses_a_file_that_is_not_utf8(tmp_path):
    source = tmp_path / "people.csv"
    source.write_bytes(",".join(PERSON_COLUMNS).encode() + "\nr1,Анна\n".encode("cp1251"))
    with pytest.raises(CommandError, match="not UTF-8"):
        _run(source, "--output", tmp_path / "out.csv")


def test_it_will_not_overwrite_an_output_without_force(tmp_path):
    source, output = tmp_path / "people.csv", tmp_path / "clusters.csv"
    _write(source, [GOOD, GOOD2])
    output.write_text("keep me", encoding="utf-8")
    with pytest.raises(CommandError, match="already exists"):
        _run(source, "--output", output)
    assert output.read_text(encoding="utf-8") == "keep me"
