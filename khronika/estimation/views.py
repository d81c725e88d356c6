"""The estimation page under /estimation/: run the estimation now, read the estimates, publish them.

Running and reading take EXPORT (analysts and coordinators: figures for publications are analysts'
work, as in ``khronika.publishing``); publishing a figure takes MANAGE_USERS (coordinators), like
approving a release. "Estimate now" only queues a run (``runs.start``); the worker estimates it (seconds
per stratum, which would time out a browser or a proxy and hold a web thread), and the page shows its
status and reloads itself until it is done.
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
from khronika.estimation.runs import start, waiting_for_worker

REFRESH_SECONDS = 10
"""How often the page reloads itself (``<meta http-equiv=refresh>``, no JavaScript) while a run waits."""


@require_capability(Capability.EXPORT)
def overview(request: HttpRequest) -> HttpResponse:
    runs = visible_runs(request.user)
    latest = runs[0] if runs else None
    return render(
        request,
        "estimation/overview.html",
        {
            "latest": latest,
            "earlier": runs[1:],
            "refresh_seconds": REFRESH_SECONDS if latest is not None and latest.pending else None,
            "no_worker": latest is not None and waiting_for_worker(latest),
            "may_publish": has_capability(request.user, Capability.MANAGE_USERS),
            "me": request.user.pk,
        },
    )


@require_capability(Capability.EXPORT)
@require_POST
def run_now(request: HttpRequest) -> HttpResponse:
    _run, created = start(request.user, compartment_ids(request.user))
    if created:
        messages.success(request, _("Estimation queued. This page shows when it is done."))
    else:
        messages.info(
            request,
            _(
                "An estimation of your compartments is already waiting or running. This page shows when "
                "it is done."
            ),
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
        messages.success(
            request,
            _(
                "Published: its version with noise added, which protects each person, now appears in "
                "public reports."
            ),
        )
    return HttpResponseRedirect(reverse("estimation:overview"))


@require_capability(Capability.MANAGE_USERS)
@require_POST
def unpublish_view(request: HttpRequest, estimate_id: uuid.UUID) -> HttpResponse:
    estimate = _estimate_or_404(request, estimate_id)
    unpublish(estimate, request.user)
    messages.success(request, _("Taken back: the estimate no longer appears in public reports."))
    return HttpResponseRedirect(reverse("estimation:overview"))
