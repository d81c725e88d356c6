"""An incident linkage run writes nothing to disk and forgets its place keys.

Threat: as for persons (``test_no_spill_files.py``): DuckDB would spill joins in clear text to a
temporary folder, and the key caches would keep places after the run in a long-lived process.
"""

import os

from khronika.linkage import normalise
from khronika.linkage.incident_generator import generate_incidents
from khronika.linkage.incident_model import link_incidents


def test_a_run_leaves_no_file_behind(tmp_path, monkeypatch):
    records = generate_incidents(600, seed=7).records
    monkeypatch.chdir(tmp_path)
    for variable in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.setenv(variable, str(tmp_path))
    link_incidents(records)
    assert os.listdir(tmp_path) == []


def test_a_run_leaves_no_place_in_the_key_caches():
    link_incidents(generate_incidents(50, seed=3).records)
    assert normalise.resolve_place.cache_info().currsize == 0
    assert normalise.parse_partial_date.cache_info().currsize == 0
