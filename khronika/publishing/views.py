"""Staff pages under /publishing/: request a release, see them all, approve, download a dataset.

Requesting takes EXPORT (analysts and coordinators: publications are analysts' work); approving takes
MANAGE_USERS (coordinators), and never by the requester (``records.exchange.approval``'s four-eyes rule).
"""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from khronika.accounts.access import require_capability
from khronika.accounts.roles import Capability, has_capability
from khronika.publishing import budget
from khronika.publishing.dictionary import dictionary_text
from khronika.publishing.eligibility import last_releasable_day
from khronika.publishing.forms import ReleaseForm
from khronika.publishing.models import Release
from khronika.publishing.services import (
    ReleaseRefused,
    approve_release,
    may_download,
    record_download,
    request_release,
    withdraw_release,
)
from khronika.records.exchange.approval import ApprovalRefused


@require_capability(Capability.EXPORT)
def release_list(request: HttpRequest) -> HttpResponse:
    releases = Release.objects.select_related("requested_by", "approved_by")[:100]
    return render(
        request,
        "publishing/release_list.html",
        {
            "releases": releases,
            "me": request.user.pk,
            "may_approve": has_capability(request.user, Capability.MANAGE_USERS),
            "spent": budget.spent(),
            "total": budget.total_budget(),
        },
    )


@require_capability(Capability.EXPORT)
@require_http_methods(["GET", "POST"])
def release_create(request: HttpRequest) -> HttpResponse:
    last = last_releasable_day(timezone.localdate(), "quarter")
    form = ReleaseForm(request.POST or None, initial={"end": last, "start": date(last.year - 1, 1, 1)})
    if request.method == "POST" and form.is_valid():
        try:
            release = request_release(request.user, form.to_request())
        except ReleaseRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _("Release %(id)s recorded. Another coordinator must approve it before it is released.")
                % {"id": release.id},
            )
            return HttpResponseRedirect(reverse("publishing:release_list"))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "publishing/release_create.html",
        {"form": form, "remaining": budget.remaining(), "total": budget.total_budget()},
        status=status,
    )


@require_capability(Capability.MANAGE_USERS)
@require_POST
def release_approve(request: HttpRequest, release_id: uuid.UUID) -> HttpResponse:
    if not Release.objects.filter(pk=release_id).exists():
        raise Http404
    try:
        approve_release(release_id, request.user)
    except ApprovalRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Approved and released."))
    return HttpResponseRedirect(reverse("publishing:release_list"))


@require_capability(Capability.EXPORT)
def release_download(request: HttpRequest, release_id: uuid.UUID) -> HttpResponse:
    """The partner dataset as a ZIP (rows and bilingual data dictionary), once approved; ledgered."""
    release = Release.objects.filter(pk=release_id).first()
    if release is None:
        raise Http404
    if release.kind != Release.Kind.DATASET or not may_download(request.user, release):
        messages.error(
            request,
            _(
                "Only an approved partner dataset can be downloaded, by the person who asked for it or "
                "the coordinator who approved it."
            ),
        )
        return HttpResponseRedirect(reverse("publishing:release_list"))
    record_download(request.user, release)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.csv", release.rows_csv)
        archive.writestr("dictionary.txt", dictionary_text(release))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="khronika-dataset-{release.id}.zip"'
    return response


@require_capability(Capability.EXPORT)
@require_POST
def release_withdraw(request: HttpRequest, release_id: uuid.UUID) -> HttpResponse:
    if not Release.objects.filter(pk=release_id).exists():
        raise Http404
    try:
        withdraw_release(release_id, request.user)
    except ReleaseRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Withdrawn. Its privacy budget is free again."))
    return HttpResponseRedirect(reverse("publishing:release_list"))
