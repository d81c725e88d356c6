"""Capture histories per stratum from linked clusters, as the linkage app will hand them over."""

import pytest

from khronika.estimation import histories


def row(cluster, list_name, region="Chechnya", year=2019, act_type="detention"):
    return {
        "cluster_id": cluster,
        "list_name": list_name,
        "region": region,
        "year": year,
        "act_type": act_type,
    }


def test_each_cluster_is_one_case_on_each_of_its_lists_once():
    rows = [row(1, "A"), row(1, "A"), row(1, "B"), row(2, "C"), row(3, "A"), row(3, "C")]

    (table,) = histories.from_clusters(rows).values()

    assert table.lists == ("A", "B", "C")
    assert table.documented == 3
    counts = dict(zip(map(tuple, table.patterns.tolist()), table.counts.tolist(), strict=True))
    assert counts == {(1, 1, 0): 1, (0, 0, 1): 1, (1, 0, 1): 1}


def test_strata_are_separate_tables_with_the_same_columns():
    rows = [row(1, "A"), row(1, "B"), row(2, "C", region="Dagestan"), row(3, "A", year=2020)]

    tables = histories.from_clusters(rows)

    assert list(tables) == [
        ("Chechnya", 2019, "detention"),
        ("Chechnya", 2020, "detention"),
        ("Dagestan", 2019, "detention"),
    ]
    assert {table.lists for table in tables.values()} == {("A", "B", "C")}
    assert tables[("Dagestan", 2019, "detention")].documented == 1


def test_strata_fields_can_be_chosen_and_the_table_written_as_csv():
    rows = [row(1, "A"), row(1, "B"), row(2, "C", region="Dagestan")]

    (table,) = histories.from_clusters(rows, strata=("act_type",), lists=("A", "B", "C", "D")).values()

    assert table.to_csv() == "A,B,C,D,count\n0,0,1,0,1\n1,1,0,0,1\n"


def test_a_cluster_in_two_strata_is_a_linkage_error():
    with pytest.raises(ValueError, match="two strata"):
        histories.from_clusters([row(1, "A"), row(1, "B", year=2020)])


def test_each_stratum_can_be_told_apart_as_estimable_or_not():
    rows = [row(cluster, name) for cluster in range(60) for name in ("A", "B", "C")[: 1 + cluster % 3]]
    rows += [row(100 + cluster, name, region="Ingushetia") for cluster in range(5) for name in "ABC"]

    tables = histories.from_clusters(rows)

    assert histories.refusal(tables[("Chechnya", 2019, "detention")]) is None
    assert histories.refusal(tables[("Ingushetia", 2019, "detention")]).code == "too_small"
