"""The matcher's side of the exchange: blocking, a Fellegi–Sunter score per pair, one partner each.

``exchange.encode`` writes one Bloom filter per group of fields (names, birth, place, incident); the
matcher compares the two files here, in four stages, each a function of arrays in and arrays out:

1. **Blocking** (``candidate_pairs``): two records are compared only when one of their group filters
   is bit for bit the same (the same family-name key, the same given names, the same birth data, the
   same place or incident date). The matcher computes this from the filters themselves: the file
   carries no extra blocking key. A block larger than ``MAX_BLOCK_PAIRS`` is left out (its pairs
   must meet in another group's block), so that one very common value cannot exhaust memory.
2. **Comparison levels** (``levels``): per group, the share of the smaller filter's set bits that the
   other filter holds too (containment, binned by ``CONTAINMENT_CUTS``), crossed with how much the
   smaller filter holds (``EVIDENCE_CUTS``: a birth year, a month, a full date). A field known on
   one side only therefore does not count against a pair, and a group empty on either side is
   "missing", which weighs next to nothing.
3. **Weights**: log2(m/u) per level, summed over the groups. ``m`` (how often a true pair shows
   each level) is fixed, learned once from the synthetic generator (``M_PROBABILITIES``, re-derived
   by ``exchange_eval.learn_m_probabilities``); ``u`` (how often two different people do) is
   measured at match time on random pairs of the two files, so it follows the lists' own
   frequencies. Identical family-name or given-name filters get a term-frequency adjustment: a rare
   name that agrees says more than Ivanov does.
4. **Assignment** (``assign``): the number of shared people is estimated from the scores (EM on the
   prior), each pair's probability is weighed against the record's other candidates (a record with
   two equally good partners gets neither for sure), and pairs are taken most probable first, each
   record at most once, down to the threshold.

No Django here, and no secret: the matcher needs neither.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Filters = npt.NDArray[np.uint8]
Indices = npt.NDArray[np.int64]
Scores = npt.NDArray[np.float64]

CONTAINMENT_CUTS = np.array([0.3, 0.5, 0.7, 0.85, 0.95])
"""Containment below 0.3 is level 0, at least 0.95 is level 5; level 6 is "empty on one side"."""
_LEVELS = len(CONTAINMENT_CUTS) + 2
_MISSING = _LEVELS - 1
_TOP = _LEVELS - 2

EVIDENCE_CUTS: dict[str, tuple[int, ...]] = {
    "family": (),
    "given": (),
    "patronymic": (),
    # Set bits of the smaller filter (they follow the bits per token and lengths in ``exchange``): a
    # birth year alone sets 160-190, with the month 190-235, a full date 245-310; a town alone about
    # 38, a region alone 45-60, both 70-95; an incident year alone 30-40, with the month 76-97, with
    # the day 111-159.
    "birth": (189, 238),
    "place": (42, 64),
    "incident": (60, 104),
}
"""Group names in the order of the file, with the bit counts that separate how much a group holds."""

TERM_FREQUENCY_GROUPS = ("family", "given")

M_PROBABILITIES: dict[str, tuple[float, ...]] = {
    "family": (0.01711, 0.001624, 0.027101, 0.070813, 0.005121, 0.877357, 0.000874),
    "given": (0.002872, 0.007369, 0.032596, 0.0286, 0.002872, 0.853878, 0.071812),
    "patronymic": (0.000125, 0.000125, 0.000125, 0.000125, 0.000125, 0.431997, 0.567379),
    # birth, place, incident: seven levels for each evidence bin (year / month / day; ...)
    "birth": (
        *(0.000125, 0.000125, 0.121307, 0.000374, 0.17317, 0.089889, 0.222042),
        *(0.000125, 0.000125, 0.00187, 0.000125, 0.030046, 0.045256, 0.000125),
        *(0.000125, 0.000125, 0.000125, 0.024561, 0.000125, 0.290113, 0.000125),
    ),
    "place": (
        *(0.004862, 0.000125, 0.000125, 0.000125, 0.000125, 0.000374, 0.11607),
        *(0.000125, 0.000125, 0.000125, 0.000125, 0.095624, 0.324274, 0.000125),
        *(0.000125, 0.000125, 0.000125, 0.000125, 0.000125, 0.456926, 0.000125),
    ),
    "incident": (
        *(0.004613, 0.002867, 0.000374, 0.012841, 0.024561, 0.006109, 0.049994),
        *(0.027303, 0.012841, 0.002618, 0.000623, 0.16943, 0.060716, 0.000125),
        *(0.083157, 0.044009, 0.039272, 0.045506, 0.007106, 0.40581, 0.000125),
    ),
}
"""How often a true pair shows each level, per group (``levels``' order), from the generator.

Learned by ``exchange_eval.learn_m_probabilities(20_000, 0.2, seed=2)`` (two lists of 20,000, 20%
overlap: 4,000 true pairs; seed 2, so the figures measured with seed 1 are not fitted to), whose
records each consolidate the mentions one organisation holds of a person. They describe the noise
written down in ``generator``: another transliteration, diminutives, typos, a birth date replaced
by an age or a year, an incident date shifted or from another incident.
"""

M_FLOOR = 0.003
"""No level is impossible for a true pair: real lists hold errors the generator does not make (a
misspelt patronymic, a person who moved), and one such disagreement must not veto a pair alone."""

MAX_BLOCK_PAIRS = 25_000_000
"""Pairs in one block beyond which the block is skipped (4,400 Ivanovs on each side is 19 million)."""

_CHUNK_PAIRS = 2_000_000
_U_SAMPLE = 1_000_000
_PRUNE_BITS = 10.0
"""Pairs scoring this far below log2 of the longer list cannot become likely: dropped at once."""


def split_groups(filters: Filters, widths: Sequence[tuple[str, int]]) -> dict[str, Filters]:
    """One array per group from the records' concatenated filters (``widths``: name, bytes)."""
    groups: dict[str, Filters] = {}
    start = 0
    for name, width in widths:
        groups[name] = np.ascontiguousarray(filters[:, start : start + width])
        start += width
    return groups


@dataclass(frozen=True)
class Side:
    """One file's filters per group, with each filter's number of set bits."""

    groups: dict[str, Filters]
    counts: dict[str, npt.NDArray[np.int32]]

    @classmethod
    def of(cls, groups: dict[str, Filters]) -> Side:
        counts = {name: _popcount(filters) for name, filters in groups.items()}
        return cls(groups, counts)

    def __len__(self) -> int:
        return len(next(iter(self.groups.values())))


def _popcount(filters: Filters) -> npt.NDArray[np.int32]:
    counts: npt.NDArray[np.int32] = np.bitwise_count(filters).sum(axis=1, dtype=np.int32)
    return counts


def level_count(group: str) -> int:
    """How many levels a group has: containment levels times evidence bins."""
    return _LEVELS * (len(EVIDENCE_CUTS[group]) + 1)


def levels(first: Side, second: Side, group: str, rows_a: Indices, rows_b: Indices) -> npt.NDArray[np.int16]:
    """The comparison level of each pair (``rows_a[i]``, ``rows_b[i]``) in one group."""
    a, b = first.groups[group], second.groups[group]
    common = np.bitwise_count(a[rows_a] & b[rows_b]).sum(axis=1, dtype=np.int32)
    smaller = np.minimum(first.counts[group][rows_a], second.counts[group][rows_b])
    containment = common / np.maximum(smaller, 1)
    level = np.searchsorted(CONTAINMENT_CUTS, containment, side="right").astype(np.int16)
    level[smaller == 0] = _MISSING
    evidence = np.searchsorted(np.array(EVIDENCE_CUTS[group], dtype=np.int32), smaller, side="right")
    result: npt.NDArray[np.int16] = (level + _LEVELS * evidence).astype(np.int16)
    return result


def _smoothed(counts: npt.NDArray[np.int64], total: int) -> npt.NDArray[np.float64]:
    # Half a pair added to every level: a level never seen is unlikely, not impossible.
    return ((counts + 0.5) / (total + 0.5 * len(counts))).astype(np.float64)


def u_probabilities(first: Side, second: Side, seed: int = 0) -> dict[str, npt.NDArray[np.float64]]:
    """How often random pairs of the two files (nearly all different people) show each level."""
    size = len(first) * len(second)
    if size <= _U_SAMPLE:  # short lists: every pair, rather than a noisy sample of them
        rows_a = np.repeat(np.arange(len(first), dtype=np.int64), len(second))
        rows_b = np.tile(np.arange(len(second), dtype=np.int64), len(first))
    else:
        rng = np.random.default_rng(seed)
        size = _U_SAMPLE
        rows_a = rng.integers(0, len(first), size)
        rows_b = rng.integers(0, len(second), size)
    return {
        group: _smoothed(
            np.bincount(levels(first, second, group, rows_a, rows_b), minlength=level_count(group)), size
        )
        for group in EVIDENCE_CUTS
    }


def m_probabilities(
    first: Side, second: Side, rows_a: Indices, rows_b: Indices
) -> dict[str, tuple[float, ...]]:
    """How often the given true pairs show each level: how ``M_PROBABILITIES`` was learned."""
    return {
        group: tuple(
            round(float(p), 6)
            for p in _smoothed(
                np.bincount(levels(first, second, group, rows_a, rows_b), minlength=level_count(group)),
                len(rows_a),
            )
        )
        for group in EVIDENCE_CUTS
    }


@dataclass(frozen=True)
class Weights:
    """log2(m/u) per group and level, and the term-frequency tables of identical name filters."""

    per_level: dict[str, npt.NDArray[np.float64]]
    value_of: dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]
    frequency: dict[str, npt.NDArray[np.float64]]
    top_u: dict[str, float]


def _row_keys(filters: Filters) -> npt.NDArray[np.void]:
    return np.ascontiguousarray(filters).view(np.dtype((np.void, filters.shape[1]))).ravel()


def _value_ids(a: Filters, b: Filters) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int]:
    """An id per distinct filter across both files, so that equal filters have equal ids."""
    _, inverse = np.unique(np.concatenate([_row_keys(a), _row_keys(b)]), return_inverse=True)
    inverse = inverse.astype(np.int64).ravel()
    return inverse[: len(a)], inverse[len(a) :], int(inverse.max()) + 1 if len(inverse) else 0


def weights(first: Side, second: Side, m: dict[str, tuple[float, ...]] | None = None) -> Weights:
    """The weights for these two files: fixed m, u measured on them, and name frequencies."""
    m = m or M_PROBABILITIES
    u = u_probabilities(first, second)
    per_level = {
        group: np.log2(np.maximum(np.array(m[group]), M_FLOOR) / u[group]) for group in EVIDENCE_CUTS
    }
    value_of: dict[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]] = {}
    frequency: dict[str, npt.NDArray[np.float64]] = {}
    top_u: dict[str, float] = {}
    for group in TERM_FREQUENCY_GROUPS:
        ids_a, ids_b, distinct = _value_ids(first.groups[group], second.groups[group])
        value_of[group] = (ids_a, ids_b)
        frequency[group] = np.bincount(np.concatenate([ids_a, ids_b]), minlength=distinct) / (
            len(ids_a) + len(ids_b)
        )
        top_u[group] = float(u[group][_TOP])
    return Weights(per_level, value_of, frequency, top_u)


def score(first: Side, second: Side, w: Weights, rows_a: Indices, rows_b: Indices) -> Scores:
    """The log2 likelihood ratio of each pair: summed level weights, adjusted for name frequency."""
    total = np.zeros(len(rows_a), dtype=np.float64)
    for group in EVIDENCE_CUTS:
        total += w.per_level[group][levels(first, second, group, rows_a, rows_b)]
    for group in TERM_FREQUENCY_GROUPS:
        ids_a, ids_b = w.value_of[group]
        same = (ids_a[rows_a] == ids_b[rows_b]) & (first.counts[group][rows_a] > 0)
        frequency = w.frequency[group][ids_a[rows_a[same]]]
        total[same] += np.log2(w.top_u[group] / frequency)
    return total


def _blocks(first: Side, second: Side, group: str) -> Iterator[tuple[Indices, Indices]]:
    """The rows of each side sharing one non-empty filter of ``group``, block by block."""
    ids_a, ids_b, distinct = _value_ids(first.groups[group], second.groups[group])
    present_a = first.counts[group] > 0
    present_b = second.counts[group] > 0
    in_a = np.bincount(ids_a[present_a], minlength=distinct)
    in_b = np.bincount(ids_b[present_b], minlength=distinct)
    order_a = np.argsort(np.where(present_a, ids_a, distinct), kind="stable")
    order_b = np.argsort(np.where(present_b, ids_b, distinct), kind="stable")
    start_a = np.concatenate([[0], np.cumsum(in_a)])
    start_b = np.concatenate([[0], np.cumsum(in_b)])
    for value in np.nonzero((in_a > 0) & (in_b > 0))[0]:
        if int(in_a[value]) * int(in_b[value]) > MAX_BLOCK_PAIRS:
            continue
        yield (
            order_a[start_a[value] : start_a[value + 1]].astype(np.int64),
            order_b[start_b[value] : start_b[value + 1]].astype(np.int64),
        )


def candidate_pairs(first: Side, second: Side) -> Iterator[tuple[Indices, Indices]]:
    """Every pair sharing a block, in chunks of about ``_CHUNK_PAIRS`` (a pair may come twice)."""
    for group in EVIDENCE_CUTS:
        rows_a: list[Indices] = []
        rows_b: list[Indices] = []
        pending = 0
        for block_a, block_b in _blocks(first, second, group):
            step = max(1, _CHUNK_PAIRS // len(block_b))
            for start in range(0, len(block_a), step):
                part = block_a[start : start + step]
                rows_a.append(np.repeat(part, len(block_b)))
                rows_b.append(np.tile(block_b, len(part)))
                pending += len(part) * len(block_b)
                if pending >= _CHUNK_PAIRS:
                    yield np.concatenate(rows_a), np.concatenate(rows_b)
                    rows_a, rows_b, pending = [], [], 0
        if rows_a:
            yield np.concatenate(rows_a), np.concatenate(rows_b)


@dataclass(frozen=True)
class Scored:
    """The pairs worth assigning, each once, with their log2 likelihood ratio."""

    rows_a: Indices
    rows_b: Indices
    scores: Scores


def scored_candidates(first: Side, second: Side, w: Weights) -> Scored:
    """Score every blocked pair and keep those that could still become likely."""
    floor = math.log2(max(len(first), len(second))) - _PRUNE_BITS
    kept_a: list[Indices] = []
    kept_b: list[Indices] = []
    kept_s: list[Scores] = []
    for rows_a, rows_b in candidate_pairs(first, second):
        scores = score(first, second, w, rows_a, rows_b)
        keep = scores >= floor
        kept_a.append(rows_a[keep])
        kept_b.append(rows_b[keep])
        kept_s.append(scores[keep])
    if not kept_a:
        empty = np.zeros(0, dtype=np.int64)
        return Scored(empty, empty, np.zeros(0))
    rows_a = np.concatenate(kept_a)
    rows_b = np.concatenate(kept_b)
    scores = np.concatenate(kept_s)
    _, once = np.unique(rows_a * len(second) + rows_b, return_index=True)
    return Scored(rows_a[once], rows_b[once], scores[once])


def _greedy(rows_a: Indices, rows_b: Indices, order: Indices, size_a: int, size_b: int) -> Indices:
    """Positions (in ``order``) of the pairs taken most-first with each record used once."""
    used_a = np.zeros(size_a, dtype=bool)
    used_b = np.zeros(size_b, dtype=bool)
    taken: list[int] = []
    for k in order.tolist():
        a, b = rows_a[k], rows_b[k]
        if used_a[a] or used_b[b]:
            continue
        used_a[a] = used_b[b] = True
        taken.append(k)
    return np.array(taken, dtype=np.int64)


def expected_shared(candidates: Scored, size_a: int, size_b: int, rounds: int = 20) -> float:
    """How many people the two lists share, estimated from the scores (EM on the prior).

    Starts from half the shorter list and re-estimates the prior from the one-to-one pairs'
    probabilities until it settles; the threshold then adapts to lists that share much or little.
    """
    pairs = size_a * size_b
    taken = _greedy(
        candidates.rows_a, candidates.rows_b, np.argsort(-candidates.scores, kind="stable"), size_a, size_b
    )
    best = candidates.scores[taken]
    shared = 0.5 * min(size_a, size_b)
    for _ in range(rounds):
        prior = shared / pairs
        log_odds = best + math.log2(prior / (1 - prior))
        estimate = float((1 / (1 + np.exp2(-np.clip(log_odds, -60, 60)))).sum())
        if abs(estimate - shared) < 0.5:
            return estimate
        shared = max(estimate, 1.0)
    return shared


def probabilities(candidates: Scored, size_a: int, size_b: int, shared: float) -> Scores:
    """Each pair's probability of being one person, against the other candidates of both records.

    For record a: with probability shared/|A| it has a partner, each record of B alike a priori;
    the pair's likelihood ratio is weighed against those of a's other candidates (records outside
    every block add next to nothing). Likewise for b; the lower of the two is the pair's.
    """
    ratio = np.exp2(np.clip(candidates.scores, -60, 60))
    result = np.ones(len(ratio))
    for rows, own, other in ((candidates.rows_a, size_a, size_b), (candidates.rows_b, size_b, size_a)):
        partner = min(shared / own, 0.999)
        each = partner / other
        total = np.bincount(rows, weights=ratio, minlength=own)[rows]
        result = np.minimum(result, each * ratio / ((1 - partner) + each * total))
    return result


def assign(candidates: Scored, size_a: int, size_b: int, threshold: float) -> tuple[Indices, Indices, Scores]:
    """The one-to-one pairs whose probability reaches ``threshold``, most probable first."""
    if not len(candidates.scores):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    shared = expected_shared(candidates, size_a, size_b)
    probability = probabilities(candidates, size_a, size_b, shared)
    eligible = np.nonzero(probability >= threshold)[0]
    order = eligible[np.lexsort((-candidates.scores[eligible], -probability[eligible]))]
    taken = _greedy(candidates.rows_a, candidates.rows_b, order, size_a, size_b)
    return candidates.rows_a[taken], candidates.rows_b[taken], probability[taken]


def match_filters(first: Side, second: Side, threshold: float) -> tuple[Indices, Indices, Scores]:
    """The whole matcher: weights, blocked and scored candidates, one-to-one assignment."""
    if not len(first) or not len(second):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    w = weights(first, second)
    return assign(scored_candidates(first, second, w), len(first), len(second), threshold)
