"""A linkage run writes nothing to disk: decrypted identities must live in memory only.

Threat: DuckDB spills large joins to a temporary folder (``.tmp`` in the working directory by
default) in clear text. The model switches spilling off; if that were undone, a run could leave
names on a disk that is seized with the server.
"""

import os
from pathlib import Path

import duckdb
import pytest

from khronika.linkage.generator import generate
from khronika.linkage.model import ModelOptions, in_memory_connection, link


def _all_files(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*")}


def test_the_database_cannot_spill_to_disk():
    connection = in_memory_connection(ModelOptions(memory_limit="512MB"))
    try:
        settings = dict(
            connection.execute(
                "SELECT name, value FROM duckdb_settings() WHERE name IN ('temp_directory', 'memory_limit')"
            ).fetchall()
        )
    finally:
        connection.close()
    assert settings["temp_directory"] == ""
    assert settings["memory_limit"].endswith("MiB")


def test_a_query_too_big_for_memory_fails_instead_of_spilling(tmp_path, monkeypatch):
    """With DuckDB's defaults this sort would write a .tmp folder in the working directory."""
    monkeypatch.chdir(tmp_path)
    connection = in_memory_connection(ModelOptions(memory_limit="30MB", threads=1))
    try:
        with pytest.raises(duckdb.OutOfMemoryException):
            connection.execute(
                "SELECT count(*) FROM (SELECT md5(range::VARCHAR) AS h FROM range(3000000) ORDER BY h)"
            ).fetchall()
    finally:
        connection.close()
    assert os.listdir(tmp_path) == []


def test_a_run_leaves_no_file_behind(tmp_path, monkeypatch):
    records = generate(800, seed=2).records
    monkeypatch.chdir(tmp_path)
    for variable in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.setenv(variable, str(tmp_path))
    before = _all_files(tmp_path)
    link(records)
    assert _all_files(tmp_path) == before
    assert not (tmp_path / ".tmp").exists()
    assert os.listdir(tmp_path) == []


def test_a_run_leaves_no_name_in_the_key_caches():
    """Threat: a long-running process would keep decrypted names after the vault is sealed."""
    from khronika.linkage import normalise

    link(generate(50, seed=3).records)
    assert normalise.skeleton.cache_info().currsize == 0
    assert normalise.resolve_place.cache_info().currsize == 0
