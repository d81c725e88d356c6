"""``khronika publish``: the releases and the privacy budget, for an operator without a browser.

Requesting and approving stay on the web pages, where the second coordinator's login is checked with
TOTP; this command only reads. It reads no encrypted field, so it needs no unseal.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from khronika.publishing import budget
from khronika.publishing.models import Release


class Command(BaseCommand):
    help = "List the releases and the privacy budget spent (read-only)."

    def handle(self, *args: Any, **options: Any) -> None:
        releases = Release.objects.only(
            "id", "kind", "status", "period_start", "period_end", "epsilon", "requested_at"
        ).order_by("requested_at")
        for release in releases:
            epsilon = f"ε={release.epsilon:g}" if release.epsilon is not None else ""
            self.stdout.write(
                f"{release.id}  {release.kind:<7}  {release.status:<9}  "
                f"{release.period_start}..{release.period_end}  {epsilon}"
            )
        self.stdout.write(
            f"{len(releases)} releases; privacy budget {budget.spent():g} of {budget.total_budget():g} "
            "spent or reserved."
        )
