"""Staff pages of the registry: report, the moderation queue, an entry and its decisions."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khronika.accounts.access import require_capability
from khronika.accounts.roles import Capability, has_capability
from khronika.aid.access import case_for
from khronika.aid.models import Case
from khronika.intake.models import Submission
from khronika.ledger.services import record
from khronika.safety import services
from khronika.safety.forms import DecisionForm, ReportForm
from khronika.safety.models import Channel, Entry, State
from khronika.safety.normalize import NotNormalizable


@require_capability(Capability.REPORT_SAFETY)
def report(request: HttpRequest) -> HttpResponse:
    """File a report. From an aid case's follow-up task (``?case=<id>``) it counts as that case's report,
    and from an anonymous report in the inbox (``?submission=<id>``) as that report's, so two colleagues
    reporting from one case or one submission are one source, not two."""
    case = _case(request)
    submission = _submission(request)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if case is not None:
                services.report_from_followup(
                    case, form.subject(), request.user, evidence=data["evidence"], narrative=data["narrative"]
                )
            elif submission is not None:
                services.report_from_intake(
                    submission.id, form.subject(), request.user, narrative=data["narrative"]
                )
            else:
                services.report(
                    form.subject(),
                    channel=Channel.STAFF,
                    origin=f"staff:{request.user.pk}",
                    actor=request.user,
                    evidence=data["evidence"],
                    narrative=data["narrative"],
                )
        except (NotNormalizable, services.Refused) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you. The report is in the moderators' queue."))
            if case is not None:
                return redirect("aid:case_detail", case_id=case.id)
            if submission is not None:
                return redirect("inbox:submission", submission_id=submission.id)
            return redirect("safety:report")
    return render(request, "safety/report.html", {"form": form, "case": case, "submission": submission})


def _case(request: HttpRequest) -> Case | None:
    """The aid case named by ``?case=``, or the 404 of a missing one for a user not on it."""
    case_id = request.GET.get("case", "")
    if not case_id:
        return None
    try:
        return case_for(request.user, uuid.UUID(case_id))
    except ValueError:
        raise Http404 from None


def _submission(request: HttpRequest) -> Submission | None:
    """The anonymous report named by ``?submission=``, for those who triage them; 404 for anyone else."""
    submission_id = request.GET.get("submission", "")
    if not submission_id:
        return None
    if not has_capability(request.user, Capability.TRIAGE_INTAKE):
        raise Http404
    try:
        return get_object_or_404(Submission, id=uuid.UUID(submission_id))
    except ValueError:
        raise Http404 from None


@require_capability(Capability.MODERATE_SAFETY)
def entries(request: HttpRequest) -> HttpResponse:
    """The moderation queue. Shows kinds, towns and counts only: handles and numbers are decrypted on an
    entry's own page, one at a time, and that view is ledgered."""
    wanted = request.GET.get("state", State.UNVERIFIED)
    if wanted not in State.values:
        wanted = State.UNVERIFIED
    rows = (
        Entry.objects.filter(state=wanted)
        .select_related("town")
        .annotate(
            report_count=Count("reports"),
            origins=Count("reports__origin", distinct=True),
        )
        .order_by("-created_on", "id")[:500]
    )
    counts = dict(Entry.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    states = [(value, label, counts.get(value, 0)) for value, label in State.choices]
    return render(request, "safety/entries.html", {"rows": rows, "states": states, "wanted": wanted})


@require_capability(Capability.MODERATE_SAFETY)
def entry_detail(request: HttpRequest, entry_id: uuid.UUID) -> HttpResponse:
    entry = get_object_or_404(Entry.objects.select_related("town"), id=entry_id)
    record(request.user, "view", entry)
    context = {
        "entry": entry,
        "reports": entry.reports.order_by("received_on", "id"),
        "decisions": entry.decisions.select_related("by"),
        "independent": services.independent_reports(entry),
        "form": DecisionForm(initial={"summary": entry.summary}),
    }
    return render(request, "safety/entry.html", context)


@require_POST
@require_capability(Capability.MODERATE_SAFETY)
def decide(request: HttpRequest, entry_id: uuid.UUID) -> HttpResponse:
    entry = get_object_or_404(Entry, id=entry_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an action and a reason."))
        return redirect("safety:entry_detail", entry_id=entry.id)
    data = form.cleaned_data
    try:
        if data["action"] == "confirm":
            services.confirm(entry, request.user, data["reason"], data["note"], data["summary"])
            messages.success(request, _("The warning is confirmed."))
        elif data["action"] == "renew":
            services.renew(entry, request.user, data["reason"], data["note"])
            messages.success(request, _("The warning is renewed."))
        else:
            services.retract(entry, request.user, data["reason"], data["note"])
            messages.success(request, _("The warning is withdrawn everywhere."))
    except services.Refused as error:
        messages.error(request, str(error))
    return redirect("safety:entry_detail", entry_id=entry.id)
