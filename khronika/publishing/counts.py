"""Stage 2 of a public release: the true counts, per one-way table, over the whole domain.

Two decisions keep the noise that follows honest:
- every table lists every possible cell (every federal subject, every act type, every period), not
  only those that occur: publishing only the cells that exist would reveal, without noise, that some
  region had at least one case;
- each person contributes at most ``MAX_ACTS_PER_PERSON`` acts (their earliest), so one person changes
  each table by at most that much in total (its L1 sensitivity), whatever their history.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from khronika.publishing.eligibility import EligibleAct, period_label
from khronika.publishing.tiles import OTHER_REGION

MAX_ACTS_PER_PERSON = 3
TABLES = ("act_type", "region", "period")


@dataclass(frozen=True)
class Table:
    name: str
    keys: list[str]
    counts: list[int]


def bound_contributions(acts: Sequence[EligibleAct], limit: int = MAX_ACTS_PER_PERSON) -> list[EligibleAct]:
    """At most ``limit`` acts per victim, the earliest first (``acts`` come ordered by date)."""
    seen: defaultdict[str, int] = defaultdict(int)
    kept = []
    for act in acts:
        if seen[act.victim_id] < limit:
            seen[act.victim_id] += 1
            kept.append(act)
    return kept


def true_tables(
    acts: Sequence[EligibleAct], domains: dict[str, list[str]], unit: str, names: Sequence[str]
) -> list[Table]:
    """One table per name in ``names``; acts outside a domain fall into its last key (``other``)."""
    key_of: dict[str, Callable[[EligibleAct], str]] = {
        "act_type": lambda a: a.act_type,
        "region": lambda a: a.region,
        "period": lambda a: period_label(a.day, unit),
    }
    tables = []
    for name in names:
        keys = domains[name]
        known = set(keys)
        tally = Counter(key_of[name](a) for a in acts)
        counts = [tally[k] for k in keys]
        if name == "region":
            counts[keys.index(OTHER_REGION)] += sum(n for k, n in tally.items() if k not in known)
        tables.append(Table(name, keys, counts))
    return tables
