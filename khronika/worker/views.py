"""The failures page: jobs that ran out of attempts, for coordinators to see and send again.

Nothing the worker gives up on disappears: a failed alert stays here until someone retries it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khronika.accounts.access import require_capability
from khronika.accounts.roles import Capability
from khronika.worker import jobs
from khronika.worker.models import Job

# Coordinators and administrators: the people who manage the team also answer for its alerts.
_CAPABILITY = Capability.MANAGE_USERS


@require_capability(_CAPABILITY)
def failures(request: HttpRequest) -> HttpResponse:
    failed = Job.objects.filter(state=Job.State.FAILED).order_by("-finished_at", "-id")
    page = Paginator(failed, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "worker/failures.html",
        {"page": page, "jobs": page.object_list, "backlog": jobs.backlog()},
    )


@require_POST
@require_capability(_CAPABILITY)
def retry(request: HttpRequest) -> HttpResponseRedirect:
    job_id = request.POST.get("job", "")
    job = Job.objects.filter(id=int(job_id)).first() if job_id.isdigit() and len(job_id) < 19 else None
    if job is not None and jobs.retry(job, request.user):
        messages.success(request, _("The job will be tried again within a minute."))
    else:
        messages.error(request, _("That job is no longer waiting for a retry."))
    return redirect("worker:failures")
