"""Stage 3 of a partner dataset: suppress small cells, then prove k-anonymity and l-diversity.

Every released column is treated as a quasi-identifier (the perpetrator knows all of them about his own
case), so k-anonymity is checked over all of them together: every combination of values that appears,
appears at least k times, and no row is unique. l-diversity is checked for the act type within the
groups formed by the other columns: knowing when, where and to whom, one must still not learn what was
done. Rows in groups that fail are suppressed; if that would remove more than ``MAX_SUPPRESSED`` of the
rows, the generalization is too fine for the data and the release is refused. The final check is
pycanon's, an independent implementation of both measures.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_K = 5
DEFAULT_L = 2
MAX_SUPPRESSED = 0.2
SENSITIVE = "act_type"


class NotAnonymous(ValueError):
    """The rows cannot be made k-anonymous and l-diverse without losing too many of them."""

    def __init__(self, reason: str, suppressed: int, total: int) -> None:
        super().__init__(reason)
        self.reason, self.suppressed, self.total = reason, suppressed, total


@dataclass(frozen=True)
class Checked:
    rows: list[dict[str, str]]
    suppressed: int
    k: int
    l: int  # noqa: E741 (the letter of the measure's name)


def _key(row: dict[str, str], columns: Sequence[str]) -> tuple[str, ...]:
    return tuple(row[c] for c in columns)


def suppress_small_groups(
    rows: Sequence[dict[str, str]],
    columns: Sequence[str],
    k: int,
    l: int,  # noqa: E741
) -> list[dict[str, str]]:
    """Rows left after dropping groups (over all columns) smaller than k, then groups (over all but the
    act type) with fewer than l act types. Dropping a whole l-group keeps every k-group intact."""
    sizes = Counter(_key(r, columns) for r in rows)
    kept = [r for r in rows if sizes[_key(r, columns)] >= k]
    others = [c for c in columns if c != SENSITIVE]
    kinds: defaultdict[tuple[str, ...], set[str]] = defaultdict(set)
    for row in kept:
        kinds[_key(row, others)].add(row[SENSITIVE])
    return [r for r in kept if len(kinds[_key(r, others)]) >= l]


def measured(rows: Sequence[dict[str, str]], columns: Sequence[str]) -> tuple[int, int]:
    """(k, l) of ``rows`` as pycanon measures them."""
    import pandas as pd  # type: ignore[import-untyped]  # no stubs in the lock; used for pycanon only
    from pycanon import anonymity  # type: ignore[import-untyped]  # the library ships no type hints

    frame = pd.DataFrame(list(rows), columns=list(columns))
    others = [c for c in columns if c != SENSITIVE]
    k = int(anonymity.k_anonymity(frame, list(columns)))
    l = int(anonymity.l_diversity(frame, others, [SENSITIVE]))  # noqa: E741
    return k, l


def make_anonymous(
    rows: Sequence[dict[str, str]],
    columns: Sequence[str],
    k: int = DEFAULT_K,
    l: int = DEFAULT_L,  # noqa: E741
    max_suppressed: float = MAX_SUPPRESSED,
) -> Checked:
    total = len(rows)
    if total == 0:
        raise NotAnonymous("empty", 0, 0)
    kept = suppress_small_groups(rows, columns, k, l)
    suppressed = total - len(kept)
    if not kept or suppressed > max_suppressed * total:
        raise NotAnonymous("too_many_suppressed", suppressed, total)
    got_k, got_l = measured(kept, columns)
    if got_k < k or got_l < l:  # would mean a bug above: never release on our own word alone
        raise NotAnonymous("check_failed", suppressed, total)
    return Checked(kept, suppressed, got_k, got_l)
