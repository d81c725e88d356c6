"""A blocking rule that would propose more candidate pairs than the budget is narrowed by one more
column, the loosest that fits: pairs grow with the square of a list, and DuckDB must hold them in
memory (it may not spill decrypted keys to disk)."""

from __future__ import annotations

import duckdb
import pandas as pd  # type: ignore[import-untyped]  # pandas-stubs is not in the lock

from khronika.linkage import model


def frame(rows: int) -> pd.DataFrame:
    """One family name for everyone, two given names, years and regions that split them differently."""
    return pd.DataFrame(
        {
            "family_key": ["ivanov"] * rows,
            "given_group": [["aleksandr", "sasha"] if i % 2 else ["mikhail"] for i in range(rows)],
            "family_cons": ["vnv"] * rows,
            "given_canon": ["aleksandr" if i % 2 else "mikhail" for i in range(rows)],
            "birth_year": [1980 + i % 20 for i in range(rows)],
            "region_code": ["RU-DA" if i % 4 else "RU-CE" for i in range(rows)],
            "incident_year": [2020 + i % 5 for i in range(rows)],
            **{column: [None] * rows for column in ("incident_month", "birth_first", "birth_last")},
            **{column: [None] * rows for column in ("town_key", "incident_first", "incident_last")},
        }
    )


def test_it_counts_the_pairs_a_rule_proposes_including_list_columns():
    connection = duckdb.connect(":memory:")
    connection.register("khronika_block_sizes", frame(8))
    # given_group: four records share "aleksandr" (6 pairs), and "sasha" (6 more), four "mikhail" (6).
    assert model._candidate_pairs(connection, ("family_key", "given_group")) == 18
    assert model._candidate_pairs(connection, ("family_key", "region_code")) == 15 + 1  # 6 RU-DA, 2 RU-CE
    assert model._candidate_pairs(connection, ("family_key", "incident_month")) == 0  # empty: no pairs


def test_rules_within_budget_are_left_as_they_are(monkeypatch):
    monkeypatch.setattr(model, "PAIR_BUDGET_FLOOR", 10**9)
    blocks = model.prediction_blocks(frame(400), duckdb.connect(":memory:"))
    assert blocks == list(model._PREDICTION_BLOCKS)


def test_a_rule_over_budget_is_replaced_by_every_narrowing_that_fits(monkeypatch):
    monkeypatch.setattr(model, "PAIR_BUDGET_FLOOR", 0)
    monkeypatch.setattr(model, "PAIR_BUDGET_PER_RECORD", 25)
    rows = frame(400)  # budget 10,000 pairs
    blocks = model.prediction_blocks(rows, duckdb.connect(":memory:"))
    # family_key + region_code: 300 and 100 records, 49,800 pairs. Narrowed by incident year 9,800 and
    # by birth year 3,800 (both within the budget), by given name 29,800 (over); by family_cons, which
    # follows from family_key here, not narrower at all.
    assert ("family_key", "region_code", "incident_year") in blocks
    assert ("family_key", "region_code", "birth_year") in blocks
    assert ("family_key", "region_code", "given_canon") not in blocks
    assert ("family_key", "region_code", "family_cons") not in blocks
    assert ("family_key", "region_code") not in blocks
    connection = duckdb.connect(":memory:")
    connection.register("khronika_block_sizes", rows)
    for block in blocks:
        assert block in model._PREDICTION_BLOCKS or model._candidate_pairs(connection, block) <= 10_000
    # No rule twice in another order (given_canon+family_cons+birth_year and its mirror).
    assert len({frozenset(block) for block in blocks}) == len(blocks)
