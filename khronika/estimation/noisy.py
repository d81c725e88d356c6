"""The last stage before an estimate goes public: a differentially private table, estimated again.

An exact estimate is a function of every documented person, so publishing it would let a perpetrator
who knows most of the cases learn about the rest (threat model 5). The public version is made instead:

1. ``true_cells``: the capture-history table of the estimate's stratum, counting only the people who may
   appear in a publication (``publication_rows``: consent to publication as well as to statistics,
   incidents at least three months old as for public counts, never confidential ones), over the
   estimate's own lists and **every** history of the domain, empty ones included (publishing only the
   histories that occur would reveal, without noise, that someone has them);
2. ``draw``: OpenDP's discrete Laplace noise on each cell (``khronika.publishing.noise``), its ε charged
   to the publishing app's privacy budget under its lock, and refused when it does not fit;
3. ``estimate``: the estimator re-run on the noisy table. Post-processing: whatever is computed from
   the noisy table alone is as private as the table, so the published figure costs nothing more.

**Sensitivity.** One human is one linked cluster and one row of a stratum's table, so adding or
removing them changes one cell by one. ``SENSITIVITY`` is 2: a person whose records the linkage failed
to join once counts as two, and a change of one person's history moves them from one cell to another.
"""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import date
from typing import Any

from django.db import transaction

from khronika.estimation import histories, instance, report
from khronika.estimation.histories import CaptureHistories
from khronika.estimation.models import Estimate, NoisyTable
from khronika.ledger.services import record
from khronika.publishing import budget, noise
from khronika.publishing.eligibility import latest_allowed_day
from khronika.records.models import Consent

SENSITIVITY = 2


class BudgetExceeded(Exception):
    """The noise would spend more ε than the publishing budget has left (or one release may spend)."""


def publication_rows(estimate: Estimate, today: date) -> CaptureHistories:
    """The stratum of ``estimate``, counting only the people who may appear in a publication.

    The lists are the run's (so the same source types are pooled), then the estimate's own: a person on
    none of those is on no list of this table, and so not in it.
    """
    run = estimate.run
    captured = instance.capture_rows(
        run.compartments,
        scopes=(Consent.Scope.STATISTICS, Consent.Scope.PUBLICATION),
        ended_by=latest_allowed_day(today),
        lists=run.lists,
    )
    tables = instance.stratum_tables(captured.rows, captured.lists) if captured.rows else {}
    found = tables.get((estimate.dimension, estimate.stratum))
    rows: Counter[tuple[int, ...]] = Counter()
    if found is not None:
        for pattern, count in zip(found.patterns.tolist(), found.counts.tolist(), strict=True):
            on = {name for name, bit in zip(found.lists, pattern, strict=True) if bit}
            rows[tuple(int(name in on) for name in estimate.lists)] += count
    return histories.build(estimate.lists, rows)


def true_cells(table: CaptureHistories) -> tuple[list[list[int]], list[int]]:
    """Every one of the 2**lists - 1 histories of the domain, with its count (zero where none)."""
    patterns, counts = table.full_table()
    return patterns.tolist(), [int(n) for n in counts]


def draw(estimate: Estimate, user: Any, epsilon: float, today: date) -> NoisyTable:
    """Noise on every cell of the publication table, its ε charged to the budget; or ``BudgetExceeded``.

    The table is stored in the same transaction as the budget check (``budget.lock`` serialises them),
    so two publications at the same moment cannot both fit in what is left, and once noise is drawn its
    ε stays spent whatever happens next.
    """
    patterns, counts = true_cells(publication_rows(estimate, today))
    with transaction.atomic():
        budget.lock()
        if not budget.fits(epsilon):
            raise BudgetExceeded
        noisy = noise.noisy_counts(counts, epsilon, SENSITIVITY)
        table = NoisyTable.objects.create(
            source=estimate,
            epsilon=epsilon,
            lists=list(estimate.lists),
            # A negative count means nothing; clipping is post-processing and costs no budget.
            cells=[[pattern, max(0, n)] for pattern, n in zip(patterns, noisy, strict=True)],
            created_by=user,
        )
        record(user, "create", table)
    return table


def noisy_histories(table: NoisyTable) -> CaptureHistories:
    """The stored noisy cells as a table for the estimators (lists nobody is on dropped, as in runs)."""
    rows = {tuple(int(bit) for bit in pattern): int(n) for pattern, n in table.cells}
    return instance.without_empty_lists(histories.build(table.lists, rows))


def estimate(table: NoisyTable, method: str) -> tuple[CaptureHistories, dict[str, Any]]:
    """``method`` on the noisy table; raises ``EstimationRefused`` when the table cannot carry it."""
    noisy = noisy_histories(table)
    found = report.estimate_all(
        noisy,
        (method,),
        seed=secrets.randbelow(2**31),
        iterations=instance.lcmcr_iterations(),
        chains=instance.lcmcr_chains(),
    )
    return noisy, found["results"][0]
