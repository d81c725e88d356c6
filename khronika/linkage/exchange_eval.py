"""How well the exchange between organisations finds the people two lists share, on generated truth.

Two organisations' lists are built from ``generator``: each holds persons, every record
consolidated from the mentions that organisation holds; people the two share reach each through
different mentions (another source, another transliteration, an age instead of a birth date), the
others are in one list only. Both lists are encoded under one fresh secret and
matched; the pairs found are scored against the people truly shared (``learn_m_probabilities``
counts the same true pairs' comparison levels, which is how the matcher's fixed weights were
made). Called by ``benchmarks/linkage_vs_baselines.py``; the target there is precision and recall
≥ 0.95 on two lists of 100,000 with 20% overlap.
"""

from __future__ import annotations

import random
import resource
import time
from collections import defaultdict
from typing import Any

import numpy as np

from khronika.linkage import exchange, exchange_scoring
from khronika.linkage.consolidate import consolidate
from khronika.linkage.generator import generate
from khronika.linkage.types import PersonRecord

_MENTIONS_PER_PERSON_DRAWN = 3.0
"""Generated mentions per person needed (the generator makes about 2.6 per person on average)."""


def build_lists(size: int, overlap: float, seed: int) -> tuple[list[PersonRecord], list[PersonRecord], int]:
    """Two organisations' lists of ``size`` persons each, sharing ``overlap`` of them.

    An organisation's list holds persons, not mentions: each record consolidates the mentions the
    organisation holds of one person (``consolidate``, as ``link encode --from-instance`` does
    with a deduplicated cluster). A shared person's mentions are split at random between the two
    organisations, each getting at least one, so the two records come from different sources
    (another transliteration, an age instead of a birth date, another incident); a person only one
    organisation documented brings all of their mentions to it.

    Every person is recorded as they are: deduplication inside each organisation is taken as done
    right (a real instance consolidates the clusters its own model found, with its errors).

    Returns the lists and the number of shared people. A shared person's record id starts with the
    same ``person:`` id in both lists (for scoring only: the encoded files never hold it).
    """
    if size < 1 or not 0 <= overlap <= 1:
        raise ValueError("size must be positive and overlap between 0 and 1")
    shared = round(size * overlap)
    alone = size - shared
    needed = shared + 2 * alone
    draw = int(needed * _MENTIONS_PER_PERSON_DRAWN) + 100
    while True:
        synthetic = generate(draw, seed=seed)
        mentions: dict[str, list[PersonRecord]] = defaultdict(list)
        for record in synthetic.records:
            mentions[synthetic.person_of[record.record_id]].append(record)
        several = [person for person, found in mentions.items() if len(found) >= 2]
        if len(several) >= shared and len(mentions) >= needed:
            break
        draw *= 2
    # Reproducible, not secret; a stream of its own rather than the generator's draws again.
    rng = random.Random(f"split:{seed}")  # noqa: S311
    shared_people = set(several[:shared])
    others = [person for person in mentions if person not in shared_people][: 2 * alone]
    list_a: list[PersonRecord] = []
    list_b: list[PersonRecord] = []
    for person in several[:shared]:
        found = mentions[person]
        cut = rng.randrange(1, len(found))
        list_a.append(consolidate(f"{person}:a", found[:cut]))
        list_b.append(consolidate(f"{person}:b", found[cut:]))
    for index, person in enumerate(others):
        (list_a if index < alone else list_b).append(consolidate(f"{person}:x", mentions[person]))
    return list_a, list_b, shared


def run_exchange(
    size: int, overlap: float, seed: int, threshold: float = exchange.DEFAULT_THRESHOLD
) -> dict[str, Any]:
    """Encode two generated lists under one fresh secret, match them, and score the overlap found.

    Returns precision and recall of the pairs against the truly shared people, the overlap found
    and true, seconds for encoding and matching, and the process's peak resident memory in MB.
    """
    list_a, list_b, shared = build_lists(size, overlap, seed)
    secret = exchange.parse_secret(exchange.new_secret())
    started = time.monotonic()
    encoded_a, mapping_a = exchange.encode(list_a, secret)
    encoded_b, mapping_b = exchange.encode(list_b, secret)
    encoded = time.monotonic()
    pairs = exchange.match(encoded_a, encoded_b, threshold)
    finished = time.monotonic()
    correct = sum(
        1
        for pair in pairs
        if mapping_a[pair.pseudonym_a].split(":")[0] == mapping_b[pair.pseudonym_b].split(":")[0]
    )
    precision = correct / len(pairs) if pairs else 1.0
    recall = correct / shared if shared else 1.0
    return {
        "size": size,
        "overlap": overlap,
        "true_overlap": shared,
        "found_overlap": len(pairs),
        "correct_pairs": correct,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "encode_seconds": round(encoded - started, 1),
        "match_seconds": round(finished - encoded, 1),
        "seconds": round(finished - started, 1),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def learn_m_probabilities(size: int, overlap: float, seed: int) -> dict[str, tuple[float, ...]]:
    """How often the truly shared people of two generated lists show each comparison level.

    This is how ``exchange_scoring.M_PROBABILITIES`` was made (size 20,000, overlap 0.2, seed 2):
    encode both lists under a fresh secret, pair each shared person's two records, and count their
    levels group by group. Run it again after changing the groups, bits or levels.
    """
    list_a, list_b, _shared = build_lists(size, overlap, seed)
    secret = exchange.parse_secret(exchange.new_secret())
    encoded_a, mapping_a = exchange.encode(list_a, secret)
    encoded_b, mapping_b = exchange.encode(list_b, secret)
    side_a, side_b = exchange.filters_by_group(encoded_a), exchange.filters_by_group(encoded_b)
    row_b = {mapping_b[pseudonym].split(":")[0]: row for row, (pseudonym, _) in enumerate(encoded_b.entries)}
    rows_a, rows_b = [], []
    for row, (pseudonym, _) in enumerate(encoded_a.entries):
        person = mapping_a[pseudonym].split(":")[0]
        if person in row_b:
            rows_a.append(row)
            rows_b.append(row_b[person])
    return exchange_scoring.m_probabilities(
        side_a, side_b, np.array(rows_a, dtype=np.int64), np.array(rows_b, dtype=np.int64)
    )
