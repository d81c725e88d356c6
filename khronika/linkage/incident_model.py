"""Incident linkage: the reports (victim, lawyer, channel, article) that describe one incident.

The same stages as ``model`` (features → blocking → comparisons → training → prediction →
clustering), on the same in-memory DuckDB that cannot spill to disk (``model.in_memory_connection``: the
threat is the same, the data less so, since persons arrive as keys, not names). The date and place
comparisons are the person model's; an incident adds act-type overlap, shared persons and the
source. Two reports sharing a victim are strong evidence; two reports of the same day and town with
different victims are two incidents; the same source twice is rarely a second report.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import pandas as pd  # type: ignore[import-untyped]  # pandas-stubs is not in the lock
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.comparison_creator import ComparisonCreator

from khronika.linkage import model, normalise
from khronika.linkage.model import ModelOptions, level, null_level
from khronika.linkage.types import ClusterAssignment, IncidentRecord, LinkageResult, UncertainPair

__all__ = ["MIN_TRAINING_REPORTS", "IncidentRecord", "link_incidents"]

log = logging.getLogger(__name__)

MIN_TRAINING_REPORTS = 300
"""Shorter lists are not trained: EM needs a population, and the starting values below (written for
this domain) link them well enough (the short-list tests in ``tests/test_incident_*.py``)."""
DATE_WINDOWS = (3, 14)
_PRIOR = 0.0005
"""Starting chance that two random reports are one incident, before training estimates it."""


def link_incidents(records: Sequence[IncidentRecord], options: ModelOptions | None = None) -> LinkageResult:
    """Clusters of reports (one presumed incident each) and the uncertain pairs; ids must be unique."""
    options = options or ModelOptions()
    if options.backend != "duckdb":
        raise ValueError("Incidents are linked on DuckDB only.")
    ids = [record.record_id for record in records]
    if len(set(ids)) != len(ids):
        raise ValueError("Two records have the same record_id; every record needs its own.")
    if len(records) < 2:
        return LinkageResult([ClusterAssignment(rid, rid, 1.0) for rid in ids], [])
    try:
        pairs, clusters = _run_splink(features(records), options)
    finally:
        normalise.forget()
    return _with_refused_pairs(model.result_for(ids, pairs, clusters, options), pairs, options)


def _with_refused_pairs(result: LinkageResult, pairs: pd.DataFrame, options: ModelOptions) -> LinkageResult:
    """Add the strong pairs ``cluster`` kept apart to the uncertain ones: a report naming no victim
    that fits two incidents equally belongs to one of them, and a reviewer must say which."""
    cluster_of = {a.record_id: a.cluster_id for a in result.assignments}
    high = options.review_band[1]
    refused = [
        UncertainPair(str(left), str(right), round(float(probability), 4))
        for left, right, probability in pairs.itertuples(index=False)
        if probability >= high and cluster_of[str(left)] != cluster_of[str(right)]
    ]
    uncertain = sorted([*result.uncertain_pairs, *refused], key=lambda pair: -pair.match_probability)
    return LinkageResult(result.assignments, uncertain)


# Features ---------------------------------------------------------------------------------------


def features(records: Sequence[IncidentRecord]) -> pd.DataFrame:
    """One row of comparison keys per report."""
    rows: list[dict[str, Any]] = []
    for record in records:
        day = normalise.parse_partial_date(record.date)
        place = normalise.resolve_place(record.region, record.town)
        acts = sorted({act.strip().lower() for act in record.act_types} - {""})
        persons = sorted({person.strip() for person in record.persons} - {""})
        rows.append(
            {
                "unique_id": record.record_id,
                "incident_first": day.first.toordinal() if day else None,
                "incident_last": day.last.toordinal() if day else None,
                "incident_month": day.first.strftime("%Y-%m") if day else None,
                "region_code": place.region or None,
                "town_key": place.town or None,
                "act_types": acts or None,
                "persons": persons or None,
                "person_first": persons[0] if persons else None,  # a scalar key for training blocks
                "source": record.source.strip().lower() or None,
            }
        )
    return pd.DataFrame(rows)


# Comparisons ------------------------------------------------------------------------------------

# Jaccard overlap of the two lists of act codes, in DuckDB (codes are distinct within a list).
_ACT_JACCARD = (
    "(len(list_intersect(act_types_l, act_types_r))::DOUBLE"
    " / len(list_distinct(list_concat(act_types_l, act_types_r))))"
)


def _act_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="act_types",
        comparison_levels=[
            null_level("act_types_l IS NULL OR act_types_r IS NULL"),
            level(f"{_ACT_JACCARD} = 1", "same acts", 0.6, 0.08),
            level(f"{_ACT_JACCARD} >= 0.5", "most acts shared", 0.25, 0.05),
            level(f"{_ACT_JACCARD} > 0", "some acts shared", 0.1, 0.12),
            level("ELSE", "no act shared", 0.05, 0.75),
        ],
    )


# EM on blocked pairs of a raid wave learns "same region and month" as the match class and takes
# different victims for a sign of a match; the person levels keep the values written here.
_FIXED_M = {"fix_m_probability": True}


def _person_comparison() -> cl.CustomComparison:
    """Any shared person key is strong evidence; victims that differ on both sides are strong against."""
    return cl.CustomComparison(
        output_column_name="persons",
        comparison_levels=[
            null_level("persons_l IS NULL OR persons_r IS NULL"),
            level("list_has_any(persons_l, persons_r)", "a person shared", 0.998, 0.0005) | _FIXED_M,
            level("ELSE", "different persons", 0.002, 0.9995) | _FIXED_M,
        ],
    )


def _source_comparison() -> cl.CustomComparison:
    """One source rarely reports one incident twice: the same source counts against a match."""
    return cl.CustomComparison(
        output_column_name="source",
        comparison_levels=[
            null_level("source_l IS NULL OR source_r IS NULL"),
            level("source_l = source_r", "same source", 0.03, 0.15),
            level("ELSE", "different sources", 0.97, 0.85),
        ],
    )


def comparisons() -> list[ComparisonCreator | dict[str, Any]]:
    """Date and place as the person model compares them, with starting values for incidents."""
    date = model.range_comparison("incident", DATE_WINDOWS).configure(
        m_probabilities=[0.6, 0.2, 0.15, 0.03, 0.02],
        u_probabilities=[0.0005, 0.01, 0.003, 0.01, 0.9765],
    )
    place = model.place_comparison().configure(
        m_probabilities=[0.75, 0.2, 0.03, 0.02], u_probabilities=[0.01, 0.02, 0.03, 0.94]
    )
    return [date, place, _act_comparison(), _person_comparison(), _source_comparison()]


# Blocking, training, prediction, clustering -----------------------------------------------------


def _blocks() -> list[Any]:
    """A shared person; the same region and month; the same town and a shared act."""
    return [
        block_on("persons", arrays_to_explode=["persons"]),
        block_on("region_code", "incident_month"),
        block_on("town_key", "act_types", arrays_to_explode=["act_types"]),
    ]


def _run_splink(frame: pd.DataFrame, options: ModelOptions) -> tuple[pd.DataFrame, pd.DataFrame]:
    connection = model.in_memory_connection(options)
    try:
        settings = SettingsCreator(
            link_type="dedupe_only",
            comparisons=comparisons(),
            blocking_rules_to_generate_predictions=_blocks(),
            probability_two_random_records_match=_PRIOR,
            retain_matching_columns=False,
            retain_intermediate_calculation_columns=False,
            max_iterations=20,
        )
        linker = Linker(DuckDBAPI(connection).register(frame), settings, log_level=logging.ERROR)
        if len(frame) >= MIN_TRAINING_REPORTS:
            _train(linker, options)
        predictions = linker.inference.predict(threshold_match_probability=min(options.review_band[0], 0.2))
        # Splink leaves as_pandas_dataframe unannotated.
        pairs = predictions.as_pandas_dataframe()  # type: ignore[no-untyped-call]
        pairs = pairs[["unique_id_l", "unique_id_r", "match_probability"]]
        return pairs, cluster(frame, pairs, options.match_threshold)
    finally:
        connection.close()


def cluster(frame: pd.DataFrame, pairs: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Reports joined by pairs at or above ``threshold``, strongest pair first, except that two groups
    whose reports name persons, and no person in common, stay apart.

    Connected components (Splink's clustering) let one report that names no victim bridge two
    incidents on the same day in the same town: the generated raid waves showed it halving
    precision. A group is one incident, so its victims are the union of its reports' persons; two
    groups with disjoint victims are two incidents whatever a third report says.
    """
    parent: dict[str, str] = {}
    persons: dict[str, frozenset[str]] = {}
    for rid, keys in zip(frame["unique_id"], frame["persons"], strict=True):
        parent[rid] = rid
        persons[rid] = frozenset(keys) if keys is not None else frozenset()

    def root(rid: str) -> str:
        while parent[rid] != rid:
            parent[rid] = parent[parent[rid]]
            rid = parent[rid]
        return rid

    strong = pairs[pairs["match_probability"] >= threshold].sort_values("match_probability", ascending=False)
    for left, right in zip(strong["unique_id_l"], strong["unique_id_r"], strict=True):
        a, b = root(str(left)), root(str(right))
        if a == b or (persons[a] and persons[b] and not persons[a] & persons[b]):
            continue
        parent[b] = a
        persons[a] = persons[a] | persons[b]
    return pd.DataFrame({"unique_id": list(parent), "cluster_id": [root(rid) for rid in parent]})


def _train(linker: Linker, options: ModelOptions) -> None:
    """The prior, u by random pairs, m by EM blocked on a shared person, as ``model.train`` does."""
    model.train(
        linker,
        options,
        prior_rules=[block_on("person_first", "incident_month")],
        em_rules=[block_on("person_first")],
    )
