"""The review queue at /monitoring/: candidates from open sources, waiting for a reviewer's decision.

Reviewing is documenting: every view needs ``edit_records`` (and ``view_sensitive``, since the article
may name people; every role that edits also reads). A candidate outside the reviewer's compartments is
the 404 of a candidate that does not exist (threat model 3).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from khronika.accounts.access import compartment_ids, require_capability, visible
from khronika.accounts.models import User
from khronika.accounts.roles import Capability
from khronika.ledger.services import record
from khronika.monitoring import review
from khronika.monitoring.models import Candidate
from khronika.records.models import Incident
from khronika.records.views import incident_form


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _candidate(request: HttpRequest, candidate_id: Any, *, pending: bool = False) -> Candidate:
    rows = Candidate.objects.select_related("article", "article__feed").filter(
        article__compartment__in=compartment_ids(request.user)
    )
    if pending:
        rows = rows.filter(status=Candidate.Status.PENDING)
    return get_object_or_404(rows, id=candidate_id)


@require_GET
@require_capability(Capability.VIEW_SENSITIVE)
@require_capability(Capability.EDIT_RECORDS)
def queue(request: HttpRequest) -> HttpResponse:
    """Oldest first: the queue is worked through in the order things were published and read."""
    rows = (
        Candidate.objects.filter(
            status=Candidate.Status.PENDING, article__compartment__in=compartment_ids(request.user)
        )
        .select_related("article")
        .order_by("created_at", "position")
    )
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    entries = []
    for candidate in page.object_list:
        data = review.extracted(candidate)
        entries.append(
            {
                "candidate": candidate,
                "title": str(candidate.article.title or "")[:160] or _("(no title)"),
                "date": (data.get("date") or {}).get("value", {}).get("iso", ""),
                "region": (data.get("region") or {}).get("value", ""),
                "acts": ", ".join(entry["value"] for entry in data.get("act_types") or []),
            }
        )
    return render(request, "monitoring/queue.html", {"page": page, "entries": entries})


@require_GET
@require_capability(Capability.VIEW_SENSITIVE)
@require_capability(Capability.EDIT_RECORDS)
def candidate_detail(request: HttpRequest, candidate_id: Any) -> HttpResponse:
    candidate = _candidate(request, candidate_id)
    article = candidate.article
    text = str(article.text)
    # Ledgered so that "what did this (detained) account read?" has an answer (threat model 2).
    record(request.user, "monitoring.view", candidate)
    return render(
        request,
        "monitoring/candidate.html",
        {
            "candidate": candidate,
            "article": article,
            "text": review.highlighted(text, candidate),
            "fields": review.fields(candidate, text),
            "reprints": article.reprints.count(),
            "matches": review.matches(_user(request), candidate),
        },
    )


@require_capability(Capability.VIEW_SENSITIVE)
@require_capability(Capability.EDIT_RECORDS)
def accept(request: HttpRequest, candidate_id: Any) -> HttpResponse:
    """The incident form pre-filled from the candidate; saving it records the decision and provenance."""
    candidate = _candidate(request, candidate_id, pending=True)
    user = _user(request)
    return incident_form(
        request,
        None,
        prefill=review.prefill(candidate),
        on_saved=lambda incident: review.accepted(user, candidate, incident),
    )


@require_POST
@require_capability(Capability.VIEW_SENSITIVE)
@require_capability(Capability.EDIT_RECORDS)
def link(request: HttpRequest, candidate_id: Any) -> HttpResponse:
    candidate = _candidate(request, candidate_id, pending=True)
    # Two fields share the name: the offered incidents (radio) and a typed reference; either may be empty.
    reference = next((v.strip().upper() for v in request.POST.getlist("incident") if v.strip()), "")
    if not reference:
        messages.error(request, _("Choose one of the incidents, or type the reference of another."))
        return redirect("monitoring:candidate", candidate_id=candidate.id)
    incident = visible(Incident.objects.all(), request.user).filter(reference=reference).first()
    if incident is None:
        messages.error(request, _("No incident with the reference %(r)s is known to you.") % {"r": reference})
        return redirect("monitoring:candidate", candidate_id=candidate.id)
    review.link(_user(request), candidate, incident)
    messages.success(
        request, _("The article was added as a source of %(ref)s.") % {"ref": incident.reference}
    )
    return redirect("records:incident_detail", incident_id=incident.id)


@require_POST
@require_capability(Capability.VIEW_SENSITIVE)
@require_capability(Capability.EDIT_RECORDS)
def reject(request: HttpRequest, candidate_id: Any) -> HttpResponse:
    candidate = _candidate(request, candidate_id, pending=True)
    review.reject(_user(request), candidate)
    messages.success(request, _("The candidate was rejected and left the queue."))
    return redirect("monitoring:queue")
