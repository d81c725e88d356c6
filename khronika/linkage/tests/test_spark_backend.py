"""The Spark backend gives the clusters and probabilities of the DuckDB one, and keeps its files in memory.

Threat: Spark writes working files (shuffles, cached tables, Splink's checkpoints) that hold the
decrypted name keys being linked. They must stay in the memory-backed ``/dev/shm``; without it the
backend refuses to run rather than write them to a disk that could be seized.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from khronika.linkage import model, normalise, spark_backend
from khronika.linkage.generator import generate
from khronika.linkage.model import ModelOptions, features
from khronika.linkage.types import LinkageResult

SPARK = ModelOptions(backend="spark", memory_limit="2GB")


@pytest.fixture(scope="module")
def spark_session():
    """One local Spark session for the module: starting one takes seconds."""
    session = spark_backend.start(SPARK)
    yield session
    spark_backend.stop(session)


def _partition(result: LinkageResult) -> set[frozenset[str]]:
    clusters: dict[str, set[str]] = {}
    for assignment in result.assignments:
        clusters.setdefault(assignment.cluster_id, set()).add(assignment.record_id)
    return {frozenset(members) for members in clusters.values()}


def test_spark_gives_the_clusters_and_probabilities_of_duckdb(spark_session):
    records = generate(1000, seed=5).records
    ids = [record.record_id for record in records]
    try:
        frame = features(records)
    finally:
        normalise.forget()
    duck_pairs, duck_clusters = model._run_splink(frame, ModelOptions())
    spark_pairs, spark_clusters = model._run_splink(frame, SPARK)

    duck = model.result_for(ids, duck_pairs, duck_clusters, ModelOptions())
    spark = model.result_for(ids, spark_pairs, spark_clusters, SPARK)
    assert _partition(spark) == _partition(duck)
    assert len(_partition(duck)) < len(records)  # the set holds true duplicates that were joined
    assert spark.assignments == duck.assignments
    assert set(spark.uncertain_pairs) == set(duck.uncertain_pairs)  # ties may come in either order

    key = ["unique_id_l", "unique_id_r"]
    both = duck_pairs.merge(spark_pairs, on=key, how="outer", suffixes=("_duck", "_spark"), indicator=True)
    assert (both["_merge"] == "both").all(), "the two backends compared different pairs"
    difference = (both["match_probability_duck"] - both["match_probability_spark"]).abs()
    assert difference.max() <= 1e-6

    # Threat: the working files hold name keys. They stay in /dev/shm, and Splink's checkpoints of
    # the run are gone once it ends (only Spark's own block-manager folders remain until it stops).
    folder = Path(spark_session.conf.get("spark.local.dir"))
    assert folder.parent == spark_backend.MEMORY_DIRECTORY == Path("/dev/shm")  # noqa: S108
    assert not [path for path in folder.iterdir() if path.name.startswith("run-")]
    assert spark_session.conf.get("spark.ui.enabled") == "false"
    assert spark_session.conf.get("spark.driver.bindAddress") == "127.0.0.1"


def test_it_refuses_to_start_without_a_memory_backed_folder(monkeypatch, tmp_path):
    monkeypatch.setattr(spark_backend, "MEMORY_DIRECTORY", tmp_path / "no-shm")
    with pytest.raises(spark_backend.SparkUnavailable, match="memory-backed folder"):
        spark_backend.start(SPARK)


def test_it_refuses_to_start_without_java(monkeypatch, tmp_path):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(spark_backend.SparkUnavailable, match="needs Java"):
        spark_backend.start(SPARK)


def test_it_rejects_an_unknown_backend():
    with pytest.raises(ValueError, match="not a linkage backend"):
        ModelOptions(backend="sqlite")


def test_the_default_backend_does_not_load_spark():
    """pyspark takes seconds to import and needs Java: a DuckDB run must not pay for it."""
    code = "import sys, khronika.linkage.model; print('pyspark' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert loaded.stdout.strip() == "False"


def test_the_dedupe_command_passes_the_backend_on(monkeypatch, tmp_path):
    source = tmp_path / "people.csv"
    source.write_text(
        "record_id,given_name,family_name,patronymic,birth_date,age,incident_date,region,town,source\n"
        "r1,Иван,Петров,,1990,,,,,a\n",
        encoding="utf-8",
    )
    seen = []

    def fake_link(records, options=None):
        seen.append(options)
        return LinkageResult([], [])

    monkeypatch.setattr(model, "link", fake_link)
    call_command("link", "dedupe", str(source), "--output", str(tmp_path / "out.csv"), "--backend", "spark")
    assert seen[0].backend == "spark"


def test_the_dedupe_command_explains_a_missing_java(monkeypatch, tmp_path):
    source = tmp_path / "people.csv"
    source.write_text(
        "record_id,given_name,family_name,patronymic,birth_date,age,incident_date,region,town,source\n"
        "r1,Иван,Петров,,1990,,,,,a\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CommandError, match="needs Java"):
        call_command(
            "link", "dedupe", str(source), "--output", str(tmp_path / "out.csv"), "--backend", "spark"
        )
    assert not (tmp_path / "out.csv").exists()
