"""Scores of a clustering against the truth: pairwise precision/recall/F1, B-cubed F1, cross-script recall.

Shared by the tests and the benchmarks, so both measure the same thing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    bcubed_f1: float
    cross_script_recall: float | None


def _groups(labels: Mapping[str, str]) -> list[list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for record, label in labels.items():
        groups[label].append(record)
    return list(groups.values())


def _pairs(labels: Mapping[str, str]) -> set[tuple[str, str]]:
    return {(a, b) if a < b else (b, a) for group in _groups(labels) for a, b in combinations(group, 2)}


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def score(
    predicted: Mapping[str, str], truth: Mapping[str, str], script_of: Mapping[str, str] | None = None
) -> Scores:
    """Compare ``predicted`` (record → cluster) with ``truth`` (record → entity) on the same records."""
    true_pairs = _pairs(truth)
    found_pairs = _pairs(predicted)
    hits = len(true_pairs & found_pairs)
    precision = hits / len(found_pairs) if found_pairs else 1.0
    recall = hits / len(true_pairs) if true_pairs else 1.0
    cross: float | None = None
    if script_of is not None:
        cross_pairs = {pair for pair in true_pairs if script_of[pair[0]] != script_of[pair[1]]}
        cross = len(cross_pairs & found_pairs) / len(cross_pairs) if cross_pairs else None
    return Scores(precision, recall, _f1(precision, recall), bcubed_f1(predicted, truth), cross)


def bcubed_f1(predicted: Mapping[str, str], truth: Mapping[str, str]) -> float:
    """B-cubed F1 (Bagga & Baldwin): per record, the share of its cluster that is truly its entity."""
    by_cluster: dict[str, set[str]] = defaultdict(set)
    by_entity: dict[str, set[str]] = defaultdict(set)
    for record in truth:
        by_cluster[predicted[record]].add(record)
        by_entity[truth[record]].add(record)
    precision = recall = 0.0
    for record in truth:
        cluster, entity = by_cluster[predicted[record]], by_entity[truth[record]]
        shared = len(cluster & entity)
        precision += shared / len(cluster)
        recall += shared / len(entity)
    n = len(truth) or 1
    return _f1(precision / n, recall / n)


def as_labels(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Record → label from (record, label) pairs."""
    return dict(pairs)
