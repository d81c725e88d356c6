"""Which stored estimates a user may see, and a coordinator's decision to publish one or take it back.

Threat model 3 (an informant with an account): an estimate is made from the records of its maker's
compartments, and a count per region says what a team documents. So a user sees an estimate only when
they belong to every compartment it was made from; any other answers like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khronika.accounts.access import compartment_ids
from khronika.estimation.models import Estimate, EstimationRun
from khronika.ledger.services import record

RUNS_SHOWN = 10


class PublicationRefused(ValueError):
    """A publication the rules forbid; the message says why in plain words."""


def visible_runs(user: Any, limit: int = RUNS_SHOWN) -> list[EstimationRun]:
    """The latest runs made only from compartments ``user`` belongs to, with their estimates."""
    mine = set(compartment_ids(user))
    runs = EstimationRun.objects.prefetch_related("estimates").order_by("-created_at")[: limit * 5]
    return [run for run in runs if set(run.compartments) <= mine][:limit]


def visible_estimate(user: Any, estimate_id: Any) -> Estimate | None:
    """The estimate, or None when it does not exist or ``user`` may not see it (the same answer)."""
    estimate = Estimate.objects.select_related("run").filter(pk=estimate_id).first()
    if estimate is None or not set(estimate.run.compartments) <= set(compartment_ids(user)):
        return None
    return estimate


def publish(estimate: Estimate, user: Any) -> None:
    """Mark ``estimate`` for public reports; ledgered.

    Four eyes (as for every release): the person who ran the estimation may not publish its figures
    alone. Refused too: an LCMCR figure whose sampler had not converged, and an interval with no upper
    limit (the data rule out no number at all; published, it would read as a finding).
    """
    if estimate.created_by_id is not None and estimate.created_by_id == user.pk:
        raise PublicationRefused(
            _("Another coordinator must publish this estimate: you ran the estimation yourself.")
        )
    if estimate.upper is None:
        raise PublicationRefused(
            _(
                "This estimate has no upper limit: the data do not rule out any number of unrecorded "
                "cases. It cannot be published."
            )
        )
    if estimate.method == Estimate.Method.LCMCR and not estimate.diagnostics.get("converged", False):
        raise PublicationRefused(
            _(
                "The sampler had not settled when this estimate was made (see R-hat and ESS), so the "
                "figure may be off. It cannot be published."
            )
        )
    with transaction.atomic():
        estimate.published, estimate.published_by, estimate.published_at = True, user, timezone.now()
        estimate.save(update_fields=["published", "published_by", "published_at"])
        record(user, "publish", estimate)


def unpublish(estimate: Estimate, user: Any) -> None:
    """Take ``estimate`` out of public reports; anyone who may publish may take one back. Ledgered."""
    with transaction.atomic():
        estimate.published, estimate.published_by, estimate.published_at = False, None, None
        estimate.save(update_fields=["published", "published_by", "published_at"])
        record(user, "unpublish", estimate)
