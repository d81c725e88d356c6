"""Re-identification: no released row is unique on its quasi-identifiers, and no group reveals its act.

Threat model 5: the perpetrator knows when, where and what he did to his victim. A row that is the only
one of its kind in a partner dataset tells him that this victim talked to us.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import date

from khronika.publishing.anonymity import DEFAULT_K, DEFAULT_L
from khronika.publishing.services import approve_release, request_release
from khronika.publishing.tests.conftest import dataset_request


def _rows(release):
    return list(csv.DictReader(io.StringIO(release.rows_csv)))


def test_no_released_row_is_unique_on_its_quasi_identifiers(coordinators, make_acts):
    make_acts(6, region="RU-DA", act="deprivation-of-liberty")
    make_acts(6, region="RU-CE", act="physical-integrity")
    make_acts(5, region="RU-MOW", act="deprivation-of-liberty", day=date(2025, 5, 5))
    make_acts(5, region="RU-MOW", act="coercion", day=date(2025, 5, 6))
    # The one case in Kamchatka, in its own quarter: its perpetrator would recognise it at once.
    make_acts(1, region="RU-KAM", act="legal-harassment", day=date(2025, 3, 3))
    release = request_release(coordinators[0], dataset_request(columns=["age", "gender"]))
    approve_release(release.id, coordinators[1])

    rows = _rows(release)
    columns = list(rows[0])
    groups = Counter(tuple(r[c] for c in columns) for r in rows)
    assert min(groups.values()) >= DEFAULT_K, "a released row is unique (or nearly) on its quasi-identifiers"
    acts_in = defaultdict(set)
    for r in rows:
        acts_in[tuple(r[c] for c in columns if c != "act_type")].add(r["act_type"])
    assert min(len(a) for a in acts_in.values()) >= DEFAULT_L
    assert "far-east" not in {r["place"] for r in rows}
    assert release.summary == {"rows": 22, "suppressed": 1, "k": 5, "l": 2}


def test_released_rows_carry_generalized_values_only(coordinators, make_acts):
    make_acts(5, region="RU-DA", act="deprivation-of-liberty", days_detained=12)
    make_acts(5, region="RU-IN", act="coercion", days_detained=14)
    release = request_release(coordinators[0], dataset_request(columns=["detention"], place_level="district"))
    rows = _rows(release)
    assert {r["place"] for r in rows} == {"north-caucasus"}
    assert {r["period"] for r in rows} == {"2025-Q1"}
    assert {r["detention"] for r in rows} == {"3-15"}
    text = release.rows_csv
    assert "RU-DA" not in text and "2025-02-10" not in text and "12" not in text and "14" not in text
