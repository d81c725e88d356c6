"""Stage 3 of a public release: OpenDP noise, then suppression of small cells.

The mechanism is OpenDP's Laplace mechanism on integer vectors (the discrete Laplace, or geometric,
mechanism: no floating-point attack on the noise, Mironov 2012). It gives pure ε-differential privacy,
so the budgets of successive releases simply add up (basic composition) and the ledger of spent ε in
``budget.py`` is exact. Suppression happens *after* noise and looks only at noisy values: it is then
post-processing and costs no budget; suppressing on true values would leak which cells are small.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# A noisy count below the threshold is published as "fewer than N" rather than as a number. The
# threshold is at least MIN_CELL, and high enough that a cell whose true count is zero passes it by
# noise alone with probability FALSE_CELL_RATE at most: a map full of invented cases helps nobody.
MIN_CELL = 10
FALSE_CELL_RATE = 0.01


def laplace_scale(epsilon: float, sensitivity: int) -> float:
    """The noise scale that makes one table with L1 ``sensitivity`` ε-differentially private."""
    return sensitivity / epsilon


def threshold(scale: float) -> int:
    """The smallest published count for noise of ``scale``: P(Laplace noise ≥ t) ≤ e^(-t/scale) / 2."""
    return max(MIN_CELL, math.ceil(scale * math.log(1 / (2 * FALSE_CELL_RATE))))


def noisy_counts(counts: Sequence[int], epsilon: float, sensitivity: int) -> list[int]:
    """``counts`` with discrete Laplace noise calibrated to ``epsilon``; checked by OpenDP's own map."""
    # Imported here: OpenDP brings numpy and pandas, which would otherwise load (and be locked in
    # memory, vault/hardening.py) in every web process at start, for a page used a few times a year.
    import opendp.prelude as dp

    dp.enable_features("contrib")
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    measurement = dp.m.make_laplace(*space, scale=laplace_scale(epsilon, sensitivity))
    # OpenDP states the privacy loss of this measurement; refuse if it is not what we account for.
    loss: float = measurement.map(sensitivity)  # type: ignore[no-untyped-call]  # untyped in OpenDP
    if loss > epsilon * (1 + 1e-9):
        raise RuntimeError("The noise does not give the privacy promised.")
    released: list[int] = measurement([int(c) for c in counts])
    return released


def suppress(noisy: Sequence[int], min_cell: int = MIN_CELL) -> list[int | None]:
    """None where the noisy count is below ``min_cell``; negative noise never shows as a count."""
    return [n if n >= min_cell else None for n in noisy]
