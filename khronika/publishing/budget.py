"""The privacy budget: how much ε public releases may spend, per release and in total.

Every public release adds its ε to what an adversary can learn about any one person (basic composition
of pure differential privacy), so once the total is spent no further public counts can be released
about the same people. A pending release reserves its ε, so that two requests made side by side cannot
together exceed the total. Settings: ``PUBLISHING_PRIVACY_BUDGET`` (total, default 3.0) and
``PUBLISHING_MAX_EPSILON`` (per release, default 1.0).
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import Sum

from khronika.estimation.models import NoisyTable
from khronika.publishing.models import Release

# Any constant distinct from the ledger's advisory lock key.
_PG_LOCK_KEY = 0x6B68_7075_626C  # "khpubl"
DEFAULT_TOTAL = 3.0
DEFAULT_PER_RELEASE = 1.0


def total_budget() -> float:
    return float(getattr(settings, "PUBLISHING_PRIVACY_BUDGET", DEFAULT_TOTAL))


def max_per_release() -> float:
    return float(getattr(settings, "PUBLISHING_MAX_EPSILON", DEFAULT_PER_RELEASE))


def spent() -> float:
    """ε spent or reserved by every counts release, pending or published, and by every noisy table
    drawn to publish an estimate (``khronika.estimation.noisy``): those are public figures about the
    same people, so they spend the same budget."""
    total = Release.objects.filter(kind=Release.Kind.COUNTS).aggregate(s=Sum("epsilon"))["s"]
    estimates = NoisyTable.objects.aggregate(s=Sum("epsilon"))["s"]
    return float(total or 0.0) + float(estimates or 0.0)


def remaining() -> float:
    return max(0.0, total_budget() - spent())


def fits(epsilon: float) -> bool:
    return 0 < epsilon <= max_per_release() and spent() + epsilon <= total_budget() + 1e-9


def lock() -> None:
    """Serialise budget checks until the transaction ends, so that two requests made at the same moment
    cannot both fit in what is left. SQLite's IMMEDIATE transactions already hold the write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
