"""The estimation app's worker job: one queued ``EstimationRun`` estimated and stored.

Not ``needs_vault``: the estimation reads ids, codes and dates only, no encrypted field, so it runs
while the instance is sealed too. Idempotent (``instance.carry_out``): a finished or failed run is left
alone, and an interrupted one had stored nothing and is estimated again.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from khronika.estimation.runs import JOB_KIND
from khronika.worker.jobs import register


@register(JOB_KIND, timeout=settings.KHRONIKA_ESTIMATION_TIMEOUT_SECONDS)
def run_estimation(payload: dict[str, Any]) -> None:
    # Imported here: the estimators bring numpy, scipy and statsmodels, which the worker would otherwise
    # load (and lock in memory, vault/hardening.py) at start even when it never estimates.
    from khronika.estimation import instance

    instance.carry_out(str(payload["run"]))
