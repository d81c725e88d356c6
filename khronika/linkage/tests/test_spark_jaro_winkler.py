"""The Spark backend's Jaro-Winkler gives DuckDB's values exactly: the model's name levels cut at 0.88
and 0.9, and the Scala version in Splink's jar put a few pairs on the other side of those cuts, so the
two backends' clusters differed on 100,000 records."""

from __future__ import annotations

import random

import duckdb

from khronika.linkage.generator import generate
from khronika.linkage.model import features
from khronika.linkage.spark_backend import jaro_winkler_similarity, settings_for


def test_it_equals_duckdbs_jaro_winkler_on_generated_name_keys():
    frame = features(generate(2000, seed=5).records)
    names = sorted(set(frame["family_key"].dropna()) | set(frame["given_key"].dropna()))
    rng = random.Random(3)
    pairs = [tuple(rng.sample(names, 2)) for _ in range(5000)]
    pairs += [("mdvedev", "medvev"), ("rmoan", "rmanov"), ("martha", "marhta"), ("a", ""), ("", "")]
    connection = duckdb.connect(":memory:")
    for left, right in pairs:
        (expected,) = connection.execute("SELECT jaro_winkler_similarity(?, ?)", [left, right]).fetchone()
        assert jaro_winkler_similarity(left, right) == expected, (left, right)


def test_null_stays_null():
    assert jaro_winkler_similarity(None, "ivanov") is None


def test_the_model_given_to_spark_calls_our_function_not_sparks_built_in():
    class Dialect:
        sql_dialect_str = "spark"

    class Api:
        sql_dialect = Dialect()

    trained = {"comparisons": [{"sql_condition": "jaro_winkler_similarity(a_l, a_r) >= 0.9"}]}
    spark_model = settings_for(trained, Api())
    assert spark_model["comparisons"][0]["sql_condition"] == "khronika_jaro_winkler(a_l, a_r) >= 0.9"
    assert spark_model["sql_dialect"] == "spark"
    assert trained["comparisons"][0]["sql_condition"].startswith("jaro_winkler_similarity(")
