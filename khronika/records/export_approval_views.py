"""Pages for the four-eyes rule on clear-text exports: ask, see pending requests, approve.

Capability: MANAGE_USERS, i.e. coordinators and admins. Not EXPORT: analysts hold EXPORT for coded
spreadsheets, and two analysts must not be able to release names and narratives in clear between
them (threat model 3). Everyone else gets a 404, as for a page that does not exist.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from khronika.accounts.access import require_capability
from khronika.accounts.roles import Capability
from khronika.records.exchange.approval import ApprovalRefused, approve, request_plaintext_export
from khronika.records.models import PlaintextExportApproval


@require_capability(Capability.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def approval_list(request: HttpRequest) -> HttpResponse:
    """GET: the recent requests; POST: ask for a new clear-text export (shows its id once approved)."""
    if request.method == "POST":
        approval = request_plaintext_export(request.user, request.POST.get("reason", "").strip())
        messages.success(
            request,
            _("Request %(id)s recorded. Another coordinator must approve it before it can be used.")
            % {"id": approval.id},
        )
        return HttpResponseRedirect(reverse("records:export_approvals"))
    approvals = PlaintextExportApproval.objects.select_related("requested_by", "approved_by")[:50]
    return render(
        request,
        "records/export_approvals.html",
        {"approvals": approvals, "me": request.user.pk},
    )


@require_capability(Capability.MANAGE_USERS)
@require_POST
def approval_approve(request: HttpRequest, approval_id: uuid.UUID) -> HttpResponse:
    if not PlaintextExportApproval.objects.filter(pk=approval_id).exists():
        raise Http404
    try:
        approve(approval_id, request.user)
    except ApprovalRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Approved. The export can now be run once, within 24 hours."))
    return HttpResponseRedirect(reverse("records:export_approvals"))
