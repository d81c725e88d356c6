"""The linkage app's worker job: one run of the model over the persons or incidents of one compartment.

``needs_vault``: a person run decrypts the persons it compares, so while the instance is sealed it waits
instead of failing (an incident run reads coded fields only, but one kind of job keeps the queue simple).
Idempotent (``instance.run``): a finished run is left alone; a rerun updates its own links.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from khronika.linkage import instance
from khronika.worker.jobs import register


@register(instance.JOB_KIND, needs_vault=True, timeout=settings.KHRONIKA_LINKAGE_TIMEOUT_SECONDS)
def run_linkage(payload: dict[str, Any]) -> None:
    instance.run(str(payload["run"]))
