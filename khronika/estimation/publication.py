"""Which stored estimates a user may see, and a coordinator's decision to publish one or take it back.

Publishing never shows the exact figure: it publishes a differentially private version (``noisy.py``).

Threat model 3 (an informant with an account): an estimate is made from the records of its maker's
compartments, and a count per region says what a team documents. So a user sees an estimate only when
they belong to every compartment it was made from; any other answers like one that does not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from khronika.accounts.access import compartment_ids
from khronika.estimation.models import Estimate, EstimationRun
from khronika.ledger.services import record
from khronika.publishing import budget

RUNS_SHOWN = 10
DEFAULT_EPSILON = 0.5
"""ε per published estimate: with ``noisy.SENSITIVITY`` 2, noise of scale 4 on each cell, small beside
the 50 documented people (10 on several lists) an estimate needs; six estimates use the default total
budget of public counts."""


class PublicationRefused(ValueError):
    """A publication the rules forbid; the message says why in plain words."""


def visible_runs(user: Any, limit: int = RUNS_SHOWN) -> list[EstimationRun]:
    """The latest runs made only from compartments ``user`` belongs to, with their estimates."""
    mine = set(compartment_ids(user))
    runs = (
        EstimationRun.objects.select_related("job")
        .prefetch_related("estimates__noisy_table")
        .order_by("-created_at")[: limit * 5]
    )
    return [run for run in runs if set(run.compartments) <= mine][:limit]


def visible_estimate(user: Any, estimate_id: Any) -> Estimate | None:
    """The estimate, or None when it does not exist or ``user`` may not see it (the same answer)."""
    estimate = Estimate.objects.select_related("run").filter(pk=estimate_id).first()
    if estimate is None or not set(estimate.run.compartments) <= set(compartment_ids(user)):
        return None
    return estimate


def publication_epsilon() -> float:
    """ε spent on the noisy table of one published estimate (``ESTIMATION_PUBLICATION_EPSILON``)."""
    return float(getattr(settings, "ESTIMATION_PUBLICATION_EPSILON", DEFAULT_EPSILON))


def publish(estimate: Estimate, user: Any, *, today: date | None = None) -> Estimate:
    """Put the differentially private version of ``estimate`` in public reports; return that version.

    The exact figure is never published (threat model 5, ``noisy.py``): the first publication draws a
    noisy table, charged to the publishing privacy budget, and estimates again from it; later ones
    (after taking it back) publish the same version again, so no further budget is spent, and an
    estimate whose noisy table was refused stays refused rather than drawing fresh noise until one
    passes (which would spend the budget on trying, and choose the luckiest noise).

    Four eyes (as for every release): the person who ran the estimation may not publish its figures
    alone. Refused too: an LCMCR figure whose sampler had not converged, and an interval with no upper
    limit (the data rule out no number at all; published, it would read as a finding).
    """
    if estimate.noisy_table_id is not None:  # the public version itself, taken back earlier
        _check_four_eyes(estimate, user)
        _mark_published(estimate, user)
        return estimate
    _check_four_eyes(estimate, user)
    unsound = _unsound(estimate.upper, estimate.method, estimate.diagnostics)
    if unsound is not None:
        raise PublicationRefused(gettext(unsound[1]))
    public = Estimate.objects.filter(noisy_table__source=estimate).first()
    if public is not None:
        _mark_published(public, user)
        return public
    earlier = next((table for table in estimate.noisy_tables.all() if table.refusal), None)
    if earlier is not None:
        raise PublicationRefused(_noisy_refusal(earlier.refusal))

    # Imported here: numpy and the estimators, which the web process loads only when it needs them.
    from khronika.estimation import histories, instance, noisy
    from khronika.estimation.histories import EstimationRefused

    if not histories.MIN_LISTS <= len(estimate.lists) <= histories.MAX_LISTS:
        # Checked before any noise is drawn: no table of these lists could be estimated.
        raise PublicationRefused(
            _("This estimate was not made from %(minimum)s to %(maximum)s lists, so it cannot be published.")
            % {"minimum": histories.MIN_LISTS, "maximum": histories.MAX_LISTS}
        )
    epsilon = publication_epsilon()
    try:
        table = noisy.draw(estimate, user, epsilon, today or timezone.localdate())
    except noisy.BudgetExceeded:
        raise PublicationRefused(
            _(
                "Publishing this estimate would exceed the privacy budget: it needs %(epsilon).2f, "
                "%(remaining).2f of %(total).2f is left, and one release may spend at most %(max).2f. "
                "Ask an administrator about the budget, or publish fewer figures."
            )
            % {
                "epsilon": epsilon,
                "remaining": budget.remaining(),
                "total": budget.total_budget(),
                "max": budget.max_per_release(),
            }
        ) from None
    try:
        estimated, result = noisy.estimate(table, estimate.method)
    except EstimationRefused as refused:
        why: EstimationRefused | None = refused
    else:
        unsound = _unsound(result["upper"], result["method"], result["diagnostics"])
        why = EstimationRefused(*unsound) if unsound is not None else None
    if why is not None:
        table.refusal = instance.refusal_entry(estimate.dimension, estimate.stratum, estimate.method, why)
        table.save(update_fields=["refusal"])
        raise PublicationRefused(_noisy_refusal(table.refusal))
    with transaction.atomic():
        public = instance.store_estimate(
            result,
            estimated,
            run=estimate.run,
            dimension=estimate.dimension,
            stratum=estimate.stratum,
            created_by=estimate.created_by,
            noisy_table=table,
        )
        record(user, "create", public)
        _mark_published(public, user)
    return public


def _check_four_eyes(estimate: Estimate, user: Any) -> None:
    if estimate.created_by_id is not None and estimate.created_by_id == user.pk:
        raise PublicationRefused(
            _("Another coordinator must publish this estimate: you ran the estimation yourself.")
        )


def _unsound(upper: float | None, method: str, diagnostics: dict[str, Any]) -> tuple[str, str] | None:
    """Why a figure must not be published whatever its table, or None: a code and an untranslated
    message (translated when shown)."""
    if upper is None:
        return "no_upper_limit", gettext_noop(
            "This estimate has no upper limit: the data do not rule out any number of unrecorded "
            "cases. It cannot be published."
        )
    if method == Estimate.Method.LCMCR and not diagnostics.get("converged", False):
        return "not_converged", gettext_noop(
            "The sampler had not settled when this estimate was made (see R-hat and ESS), so the "
            "figure may be off. It cannot be published."
        )
    return None


def _noisy_refusal(entry: dict[str, Any]) -> str:
    """Why the noisy table of an estimate was refused, in the active language."""
    reason = gettext(entry["message_id"]) % entry.get("params", {})
    return _(
        "This estimate cannot be published. The public version is made only from people who agreed to "
        "publication, from incidents at least three months old, with noise added to protect each "
        "person; on that table the estimator says: %(reason)s"
    ) % {"reason": reason}


def _mark_published(estimate: Estimate, user: Any) -> None:
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
