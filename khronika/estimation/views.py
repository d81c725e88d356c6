"""The estimation page under /estimation/: run the estimation now, read the estimates, publish them.

Running and reading take EXPORT (analysts and coordinators: figures for publications are analysts'
work, as in ``khronika.publishing``); publishing a figure takes MANAGE_USERS (coordinators), like
approving a release. The run reads only codes, dates and ids (no encrypted field), so it runs in the
request: it needs no unsealed worker, and a small instance's strata take seconds.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khronika.accounts.access import compartment_ids, require_capability
from khronika.accounts.roles import Capability, has_capability
from khronika.estimation.models import Estimate
from khronika.estimation.publication import (
    PublicationRefused,
    publish,
    unpublish,
    visible_estimate,
    visible_runs,
)


@require_capability(Capability.EXPORT)
def overview(request: HttpRequest) -> HttpResponse:
    runs = visible_runs(request.user)
    return render(
        request,
        "estimation/overview.html",
        {
            "latest": runs[0] if runs else None,
            "earlier": runs[1:],
            "may_publish": has_capability(request.user, Capability.MANAGE_USERS),
            "me": request.user.pk,
        },
    )


@require_capability(Capability.EXPORT)
@require_POST
def run_now(request: HttpRequest) -> HttpResponse:
    # Imported here: the estimators bring numpy, scipy and statsmodels, which every web process would
    # otherwise load and lock in memory at start (vault/hardening.py).
    from khronika.estimation import instance

    outcome = instance.run(request.user, compartment_ids(request.user))
    messages.success(
        request,
        _("Estimation done: %(estimates)s estimates, %(refused)s refusals.")
        % {"estimates": len(outcome.estimates), "refused": len(outcome.run.refusals)},
    )
    return HttpResponseRedirect(reverse("estimation:overview"))


def _estimate_or_404(request: HttpRequest, estimate_id: uuid.UUID) -> Estimate:
    estimate = visible_estimate(request.user, estimate_id)
    if estimate is None:
        raise Http404
    return estimate


@require_capability(Capability.MANAGE_USERS)
@require_POST
def publish_view(request: HttpRequest, estimate_id: uuid.UUID) -> HttpResponse:
    estimate = _estimate_or_404(request, estimate_id)
    try:
        publish(estimate, request.user)
    except PublicationRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Published: the estimate now appears in public reports."))
    return HttpResponseRedirect(reverse("estimation:overview"))


@require_capability(Capability.MANAGE_USERS)
@require_POST
def unpublish_view(request: HttpRequest, estimate_id: uuid.UUID) -> HttpResponse:
    estimate = _estimate_or_404(request, estimate_id)
    unpublish(estimate, request.user)
    messages.success(request, _("Taken back: the estimate no longer appears in public reports."))
    return HttpResponseRedirect(reverse("estimation:overview"))
