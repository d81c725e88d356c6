"""The linkage model: Splink on DuckDB in memory, trained without labels, over the keys of ``normalise``.

The stages follow Splink's pipeline: features (one row per mention, keys only) → blocking (which pairs
are compared at all) → comparisons (how alike a pair is, field by field, in levels) → training (EM
learns how often each level occurs among true matches and among non-matches) → prediction (a match
probability for each compared pair) → clustering (connected pairs above the threshold form one
presumed person).

Threat: the names and dates compared here are decrypted identities. DuckDB runs in memory with
spilling to disk switched off (``temp_directory`` empty) and a memory limit, so a large job fails
for want of memory rather than writing clear text to a temporary file; Splink materialises its
tables inside that in-memory database. ``khronika/linkage/tests/test_no_spill_files.py`` proves a run
writes no file.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import duckdb
import pandas as pd  # type: ignore[import-untyped]  # pandas-stubs is not in the lock
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule

from khronika.linkage import normalise
from khronika.linkage.types import REVIEW_BAND, ClusterAssignment, LinkageResult, PersonRecord, UncertainPair

log = logging.getLogger(__name__)

MATCH_THRESHOLD = 0.8
"""Pairs at or above this probability join one cluster."""
DEFAULT_MEMORY_LIMIT = "4GB"
MIN_TRAINING_RECORDS = 1000
"""Smaller lists are trained together with synthetic strangers (see ``link``)."""
_SYNTHETIC_PREFIX = "~synthetic~"
BACKENDS = ("duckdb", "spark")


@dataclass(frozen=True)
class ModelOptions:
    """How a run is tuned; the defaults are the ones the benchmarks measured."""

    match_threshold: float = MATCH_THRESHOLD
    review_band: tuple[float, float] = REVIEW_BAND
    memory_limit: str = DEFAULT_MEMORY_LIMIT
    threads: int = 2
    seed: int = 7
    backend: str = "duckdb"
    """Where prediction and clustering run: "duckdb" (in memory) or "spark" (large lists; see
    ``spark_backend``). Training runs on DuckDB either way, so both give the same clusters."""

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(
                f"“{self.backend}” is not a linkage backend; choose one of {', '.join(BACKENDS)}."
            )


def dedupe(records: Sequence[PersonRecord]) -> list[ClusterAssignment]:
    """Group mentions of one person into clusters; one assignment per record, in input order."""
    return link(records).assignments


def link(records: Sequence[PersonRecord], options: ModelOptions | None = None) -> LinkageResult:
    """Clusters with probabilities and the uncertain pairs, for ``records`` (whose ids must be unique)."""
    options = options or ModelOptions()
    ids = [record.record_id for record in records]
    if len(set(ids)) != len(ids):
        raise ValueError("Two records have the same record_id; every record needs its own.")
    if len(records) < 2:
        return LinkageResult([ClusterAssignment(rid, rid, 1.0) for rid in ids], [])
    try:
        frame = features([*records, *_synthetic_strangers(len(records), options.seed)])
        pairs, clusters = _run_splink(frame, options)
    finally:
        normalise.forget()
    return result_for(ids, pairs, clusters, options)


def _synthetic_strangers(count: int, seed: int) -> list[PersonRecord]:
    """Made-up records that let EM learn on a short list; they never reach the output.

    Unsupervised training needs a population: on a list of a few dozen records EM has too few pairs
    to learn from, and the prior can come out as 0. Generated people (``generator``) give it one;
    ``result_for`` keeps only the caller's records and their pairs.
    """
    if count >= MIN_TRAINING_RECORDS:
        return []
    from khronika.linkage.generator import generate

    strangers = generate(MIN_TRAINING_RECORDS - count, seed=seed).records
    return [replace(record, record_id=_SYNTHETIC_PREFIX + record.record_id) for record in strangers]


# Features ---------------------------------------------------------------------------------------


def _identifier_column(name: str) -> str:
    return "id_" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def features(records: Sequence[PersonRecord]) -> pd.DataFrame:
    """One row of comparison keys per mention; no raw name leaves this function."""
    rows: list[dict[str, Any]] = []
    for record in records:
        given, family = normalise.order_names(record.given_name, record.family_name)
        group = normalise.given_name_group(given)
        given_key = normalise.skeleton(normalise.first_word(given))
        family_key = normalise.skeleton(family)
        incident = normalise.parse_partial_date(record.incident_date)
        birth = normalise.birth_range(normalise.parse_partial_date(record.birth_date), record.age, incident)
        place = normalise.resolve_place(record.region, record.town)
        row: dict[str, Any] = {
            "unique_id": record.record_id,
            "given_key": given_key or None,
            "given_group": list(group) or None,
            "given_canon": group[0] if group else None,
            "given_cons": normalise.consonant_key(given_key) or None,
            "family_key": family_key or None,
            "family_cons": normalise.consonant_key(family_key) or None,
            "patronymic_key": normalise.skeleton(record.patronymic) or None,
            "birth_first": birth.first.toordinal() if birth else None,
            "birth_last": birth.last.toordinal() if birth else None,
            "birth_day": birth is not None and birth.precision == "day",
            # The exact day, for a term-frequency adjustment: 1 January stands for "year only" in
            # many sources, so sharing it says less than sharing 14 March.
            "birth_exact": birth.first.toordinal() if birth and birth.precision == "day" else None,
            "birth_year": (birth.first.year + (birth.last - birth.first).days // 730) if birth else None,
            "incident_first": incident.first.toordinal() if incident else None,
            "incident_last": incident.last.toordinal() if incident else None,
            "incident_month": incident.first.strftime("%Y-%m") if incident else None,
            "incident_year": incident.first.year if incident else None,
            "region_code": place.region or None,
            "town_key": place.town or None,
        }
        for name, value in record.identifiers.items():
            row[_identifier_column(name)] = normalise.skeleton(value) or value.strip().lower() or None
        rows.append(row)
    return pd.DataFrame(rows)


# Comparisons ------------------------------------------------------------------------------------


def level(sql: str, label: str, m: float | None = None, u: float | None = None) -> dict[str, Any]:
    """One comparison level (Splink's dict form), with starting m and u where given; shared with
    ``incident_model``, as are ``null_level``, ``range_comparison``, ``place_comparison``,
    ``in_memory_connection``, ``train`` and ``result_for``."""
    entry: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if m is not None:
        entry["m_probability"] = m
    if u is not None:
        entry["u_probability"] = u
    return entry


def null_level(sql: str) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": "missing", "is_null_level": True}


_JW = "jaro_winkler_similarity"
# A shared common family name (Иванов) says less than a rare one: term-frequency adjustment.
_TF_FAMILY = {"tf_adjustment_column": "family_key", "tf_adjustment_weight": 1.0}
_GIVEN_AGREE = "list_has_any(given_group_l, given_group_r)"
_GIVEN_CLOSE = f"(given_cons_l = given_cons_r OR {_JW}(given_key_l, given_key_r) >= 0.88)"
_FAMILY_CLOSE = f"(family_cons_l = family_cons_r OR {_JW}(family_key_l, family_key_r) >= 0.9)"


def _name_comparison() -> cl.CustomComparison:
    """Given and family name together, because a source may swap them (name order)."""
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            null_level(
                "(family_key_l IS NULL OR family_key_r IS NULL)"
                " AND (given_key_l IS NULL OR given_key_r IS NULL)"
            ),
            level(f"family_key_l = family_key_r AND {_GIVEN_AGREE}", "both agree", 0.7, 0.00001) | _TF_FAMILY,
            level(
                "given_key_l = family_key_r AND family_key_l = given_key_r", "swapped order", 0.05, 0.000001
            ),
            level(
                f"family_key_l = family_key_r AND {_GIVEN_CLOSE}", "family agrees, given close", 0.08, 0.0001
            ),
            level(f"{_FAMILY_CLOSE} AND ({_GIVEN_AGREE} OR {_GIVEN_CLOSE})", "both close", 0.08, 0.0002),
            level(
                "family_key_l = family_key_r AND (given_key_l IS NULL OR given_key_r IS NULL)",
                "family agrees, one given missing",
                0.02,
                0.001,
            ),
            level(
                f"{_GIVEN_AGREE} AND (family_key_l IS NULL OR family_key_r IS NULL)",
                "given agrees, one family missing",
                0.02,
                0.01,
            ),
            level(
                "(family_key_l IS NULL AND given_key_l = family_key_r)"
                " OR (family_key_r IS NULL AND given_key_r = family_key_l)",
                "one name only, the other's family name",
                0.02,
                0.001,
            ),
            level("family_key_l = family_key_r", "family agrees only", 0.02, 0.003),
            level("ELSE", "different", 0.03, 0.98) | {"fix_m_probability": True},
        ],
    )


def _patronymic_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="patronymic",
        comparison_levels=[
            null_level("patronymic_key_l IS NULL OR patronymic_key_r IS NULL"),
            level("patronymic_key_l = patronymic_key_r", "same", 0.85, 0.01),
            level(f"{_JW}(patronymic_key_l, patronymic_key_r) >= 0.88", "close", 0.1, 0.01),
            level("ELSE", "different", 0.05, 0.98),
        ],
    )


def range_comparison(name: str, window_days: Sequence[int]) -> cl.CustomComparison:
    """Two day ranges: the same day, overlapping ranges (precision allowing), then within each window."""
    first, last = f"{name}_first", f"{name}_last"
    gap = (
        f"greatest({first}_l - {last}_r, {first}_r - {last}_l, 0)"  # days between the ranges, 0 if they meet
    )
    same_day = level(f"{first}_l = {first}_r AND {last}_l = {last}_r AND {first}_l = {last}_l", "same day")
    if name == "birth":  # the same condition, on the column the adjustment counts
        same_day = level("birth_exact_l = birth_exact_r", "same day") | {
            "tf_adjustment_column": "birth_exact",
            "tf_adjustment_weight": 1.0,
        }
    levels: list[Any] = [
        null_level(f"{first}_l IS NULL OR {first}_r IS NULL"),
        same_day,
        level(f"{gap} = 0", "ranges overlap"),
    ]
    levels += [level(f"{gap} <= {days}", f"within {days} days") for days in window_days]
    levels.append(level("ELSE", "far apart"))
    return cl.CustomComparison(output_column_name=name, comparison_levels=levels)


def place_comparison() -> cl.CustomComparison:
    """Town within region: the same town, or the same region when a town is missing or unlisted."""
    return cl.CustomComparison(
        output_column_name="place",
        comparison_levels=[
            null_level(
                "(region_code_l IS NULL OR region_code_r IS NULL)"
                " AND (town_key_l IS NULL OR town_key_r IS NULL)"
            ),
            level("town_key_l = town_key_r", "same town"),
            level(
                "region_code_l = region_code_r AND (town_key_l IS NULL OR town_key_r IS NULL)",
                "same region, one town missing",
            ),
            level("region_code_l = region_code_r", "same region, towns differ"),
            level("ELSE", "different"),
        ],
    )


def comparisons(frame: pd.DataFrame) -> list[cl.CustomComparison | cl.JaroWinklerAtThresholds]:
    """Every comparison of the model, plus one text comparison per extra identifier present."""
    result: list[cl.CustomComparison | cl.JaroWinklerAtThresholds] = [
        _name_comparison(),
        _patronymic_comparison(),
        range_comparison("birth", [366, 1830]),
        range_comparison("incident", [31, 366]),
        place_comparison(),
    ]
    for column in sorted(c for c in frame.columns if c.startswith("id_")):
        result.append(cl.JaroWinklerAtThresholds(column, [0.95, 0.8]))
    return result


# Blocking, training, prediction, clustering -----------------------------------------------------

_SWAPPED = "l.given_key = r.family_key AND l.family_key = r.given_key"
# One side has a single name, written in the given field, and it is the other side's family name.
# Two rules, one per side, so that each is an equi-join: an OR of the two would make DuckDB compare
# every pair of records (five billion at 100,000 records).
_ONE_NAME_CROSSED = (
    "l.given_key = r.family_key AND l.family_key IS NULL",
    "r.given_key = l.family_key AND r.family_key IS NULL",
)


# Which pairs are compared: each rule names columns that must be equal (``given_group`` is a list, and
# any shared name of it counts). Together they find a true pair by any of its likely agreements.
_PREDICTION_BLOCKS: tuple[tuple[str, ...], ...] = (
    ("family_key", "given_group"),
    ("family_cons", "birth_year"),
    ("given_canon", "family_cons"),
    ("given_canon", "birth_year"),
    ("family_key", "region_code"),
    ("family_key", "incident_month"),
    ("family_cons", "incident_month"),
    ("given_canon", "incident_month", "region_code"),
    ("birth_first", "birth_last", "incident_month"),
    ("birth_first", "birth_last", "region_code"),
    ("birth_first", "birth_last", "town_key"),
    ("incident_first", "incident_last", "town_key"),
    ("family_key", "town_key"),
)
_LIST_COLUMNS = frozenset({"given_group"})
PAIR_BUDGET_PER_RECORD = 4
"""A rule proposing more candidate pairs than this many per record (and more than ``PAIR_BUDGET_FLOOR``)
is narrowed by one more column. Without it the pairs grow with the square of the list: a million
generated records gave 223 million pairs, which DuckDB cannot hold in memory (it must not spill:
see the module docstring); the name lists of one country make name blocks grow with the list."""
PAIR_BUDGET_FLOOR = 2_000_000
"""Below this a rule is never narrowed: DuckDB compares two million pairs in seconds."""
# Columns that may narrow a rule: one incident, one region, one birth year, one name.
_NARROWING_COLUMNS = ("incident_year", "region_code", "birth_year", "given_canon", "family_cons")


def prediction_blocks(frame: pd.DataFrame, connection: duckdb.DuckDBPyConnection) -> list[tuple[str, ...]]:
    """``_PREDICTION_BLOCKS``, where a rule proposes more pairs than the budget replaced by every one of
    its narrowings (by one of ``_NARROWING_COLUMNS``) that fits the budget, or by the tightest when none
    does.

    Every fitting narrowing rather than one: a true pair is lost only when it disagrees on all of them.
    On a million generated mentions the rules found 95% of true pairs as they stand; narrowed by the
    loosest column alone they found 75%, by every fitting one 89%, at about 32 million candidate pairs
    (``benchmarks/linkage_vs_baselines.py``). On the benchmark's lists of 100,000 no rule reaches the
    budget, so those results do not depend on this."""
    budget = max(PAIR_BUDGET_FLOOR, PAIR_BUDGET_PER_RECORD * len(frame))
    connection.register("khronika_block_sizes", frame)
    try:
        blocks: list[tuple[str, ...]] = []
        for columns in _PREDICTION_BLOCKS:
            pairs = _candidate_pairs(connection, columns)
            if pairs <= budget:
                blocks.append(columns)
                continue
            options = [(*columns, extra) for extra in _NARROWING_COLUMNS if extra not in columns]
            counted = [(_candidate_pairs(connection, option), option) for option in options]
            narrower = [(count, option) for count, option in counted if count < pairs]
            within = [item for item in narrower if item[0] <= budget] or [min(narrower or counted)]
            for count, option in within:
                if all(set(option) != set(block) for block in blocks):  # the same rule in another order
                    log.info("Blocking on %s (%s candidate pairs).", "+".join(option), f"{count:,}")
                    blocks.append(option)
        return blocks
    finally:
        connection.unregister("khronika_block_sizes")


def _candidate_pairs(connection: duckdb.DuckDBPyConnection, columns: tuple[str, ...]) -> int:
    """How many pairs a rule on ``columns`` proposes: for each block of equal values, n(n-1)/2.

    Column names come from this module's constants only, never from input."""
    selected = ", ".join(f"unnest({c}) AS {c}" if c in _LIST_COLUMNS else c for c in columns)
    filled = " AND ".join(f"{c} IS NOT NULL" for c in columns)
    grouped = ", ".join(columns)
    sql = (
        f"SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM (SELECT count(*) AS n FROM "  # noqa: S608
        f"(SELECT {selected} FROM khronika_block_sizes) WHERE {filled} GROUP BY {grouped})"
    )
    ((pairs,),) = connection.execute(sql).fetchall()  # all: DuckDB wants every result read
    return int(pairs)


def _block(columns: tuple[str, ...]) -> Any:
    exploded = [c for c in columns if c in _LIST_COLUMNS]
    return block_on(*columns, arrays_to_explode=exploded) if exploded else block_on(*columns)


def _identifier_blocks(frame: pd.DataFrame) -> list[Any]:
    """Block on an extra identifier that tells people apart (a document number, not a gender).

    An identifier qualifies when its distinct values are at least a fifth of its filled cells, so a
    column such as gender or occupation never makes every pair a candidate.
    """
    rules = []
    for column in sorted(c for c in frame.columns if c.startswith("id_")):
        filled = frame[column].dropna()
        if len(filled) and filled.nunique() >= 0.2 * len(filled):
            rules.append(block_on(column))
    return rules


def in_memory_connection(options: ModelOptions) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that cannot spill to disk (see the module docstring for the threat)."""
    connection = duckdb.connect(":memory:")
    connection.execute("SET temp_directory = ''")
    connection.execute(f"SET memory_limit = '{_checked_size(options.memory_limit)}'")
    connection.execute(f"SET threads = {int(options.threads)}")
    connection.execute("SET enable_external_access = false")
    connection.execute("SET enable_progress_bar = false")  # the command prints its own progress
    return connection


def _checked_size(size: str) -> str:
    if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", size):
        raise ValueError(f"“{size}” is not a memory size such as 4GB.")
    return size


def _run_splink(frame: pd.DataFrame, options: ModelOptions) -> tuple[pd.DataFrame, pd.DataFrame]:
    connection = in_memory_connection(options)
    try:
        settings = SettingsCreator(
            link_type="dedupe_only",
            comparisons=list(comparisons(frame)),
            blocking_rules_to_generate_predictions=[
                *(_block(columns) for columns in prediction_blocks(frame, connection)),
                CustomRule(_SWAPPED),
                *(CustomRule(rule) for rule in _ONE_NAME_CROSSED),
                *_identifier_blocks(frame),
            ],
            retain_matching_columns=False,
            retain_intermediate_calculation_columns=False,
            max_iterations=20,
        )
        linker = Linker(DuckDBAPI(connection).register(frame), settings, log_level=logging.ERROR)
        _train(linker, options)
        if options.backend == "spark":
            return _on_spark(frame, linker, options)
        return _predict_and_cluster(linker, options)
    finally:
        connection.close()


def _on_spark(
    frame: pd.DataFrame, trained: Linker, options: ModelOptions
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Prediction and clustering on Spark with the model trained on DuckDB (``spark_backend`` says why)."""
    from khronika.linkage import spark_backend  # pyspark loads for this backend only

    with spark_backend.api(options) as api:
        model = spark_backend.settings_for(trained.misc.save_model_to_json(), api)
        return _predict_and_cluster(Linker(api.register(frame), model, log_level=logging.ERROR), options)


def _predict_and_cluster(linker: Linker, options: ModelOptions) -> tuple[pd.DataFrame, pd.DataFrame]:
    predictions = linker.inference.predict(threshold_match_probability=min(options.review_band[0], 0.2))
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=options.match_threshold
    )
    # Splink leaves as_pandas_dataframe unannotated.
    pair_frame = predictions.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    cluster_frame = clusters.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    pairs = pair_frame[["unique_id_l", "unique_id_r", "match_probability"]]
    return pairs, cluster_frame[["unique_id", "cluster_id"]]


def _train(linker: Linker, options: ModelOptions) -> None:
    """Unsupervised training: the prior, u by random pairs, m by EM in two blocked sessions."""
    train(
        linker,
        options,
        prior_rules=[
            block_on("given_canon", "family_key", "birth_year"),
            block_on("family_key", "birth_first", "birth_last"),
        ],
        em_rules=[block_on("given_canon", "family_key"), block_on("birth_first", "birth_last")],
    )


def train(linker: Linker, options: ModelOptions, *, prior_rules: list[Any], em_rules: list[Any]) -> None:
    """The prior from ``prior_rules``, u by random pairs, m by one EM session per rule of ``em_rules``.

    On a list too small for a step to find pairs, Splink raises; the starting values of the
    comparisons (written for this domain) then stand, which the log says.
    """
    training = linker.training
    try:
        training.estimate_probability_two_random_records_match(prior_rules, recall=0.6)
    except Exception as exc:  # Splink raises plain exceptions when no pair matches the rule
        log.warning("The prior could not be estimated (%s); the default stands.", type(exc).__name__)
    training.estimate_u_using_random_sampling(max_pairs=1_000_000, seed=options.seed)
    for rule in em_rules:
        # An EM session takes the comparisons of its blocking rule out of the linker's settings while
        # it runs, and Splink does not put them back when the session raises: without this copy a
        # failed session would leave the model without its name comparison (found on short lists).
        before = linker._settings_obj.core_model_settings.copy()  # type: ignore[no-untyped-call]
        try:
            training.estimate_parameters_using_expectation_maximisation(
                rule, fix_u_probabilities=True, max_pairs=2_000_000
            )
        except Exception as exc:  # as above: too few pairs under this rule for EM
            linker._settings_obj.core_model_settings = before
            log.warning("An EM session was skipped (%s); starting values stand.", type(exc).__name__)


def result_for(
    ids: list[str], pairs: pd.DataFrame, clusters: pd.DataFrame, options: ModelOptions
) -> LinkageResult:
    """Assignments for the caller's records (cluster id: the record_id of its first member in
    input order) and the uncertain pairs between them; synthetic strangers are dropped here."""
    wanted = set(ids)
    splink_cluster = dict(
        zip(clusters["unique_id"].astype(str), clusters["cluster_id"].astype(str), strict=True)
    )
    first_member: dict[str, str] = {}
    for rid in ids:
        first_member.setdefault(splink_cluster.get(rid, rid), rid)
    cluster_of = {rid: first_member[splink_cluster.get(rid, rid)] for rid in ids}
    best_inside: dict[str, float] = {}
    best_any: dict[str, float] = {}
    low, high = options.review_band
    uncertain: list[UncertainPair] = []
    for left, right, probability in pairs.itertuples(index=False):
        left, right, probability = str(left), str(right), float(probability)
        if left not in wanted or right not in wanted:
            continue
        for one in (left, right):
            best_any[one] = max(best_any.get(one, 0.0), probability)
        if cluster_of[left] == cluster_of[right]:
            for one in (left, right):
                best_inside[one] = max(best_inside.get(one, 0.0), probability)
        if low <= probability < high:
            uncertain.append(UncertainPair(left, right, round(probability, 4)))
    uncertain.sort(key=lambda pair: -pair.match_probability)
    assignments = []
    for rid in ids:
        probability = best_inside[rid] if rid in best_inside else 1.0 - best_any.get(rid, 0.0)
        assignments.append(ClusterAssignment(rid, cluster_of[rid], round(probability, 4)))
    return LinkageResult(assignments, uncertain)
