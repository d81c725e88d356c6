"""Staff pages for aid cases. Thin: ``access`` decides who reaches a case, ``services`` writes and ledgers.

Every page that names a case goes through ``access.case_for``: someone who may not open the case gets
the 404 of a case that does not exist (threat model 3).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khronika.accounts.access import require_capability
from khronika.accounts.models import User
from khronika.accounts.roles import Capability, has_capability
from khronika.aid import dashboards, inquiries, services
from khronika.aid.access import case_for, case_role, may_manage, may_read_evacuation_note, may_read_notes
from khronika.aid.forms import (
    CaseForm,
    DetentionEventForm,
    EvacuationNoteForm,
    InquiryForm,
    InterventionForm,
    MemberForm,
    TaskForm,
    VerificationForm,
)
from khronika.aid.models import Case, CaseMember, DetentionEvent, Inquiry, Intervention, Task
from khronika.ledger.services import record


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_capability(Capability.CASE_WORK)
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    mine = list(dashboards.my_cases(user).order_by("-opened_on", "reference"))
    held, unknown = dashboards.detained(user)
    context: dict[str, Any] = {
        "my_cases": mine,
        "due_tasks": dashboards.due_tasks(user),
        "held": held,
        "unknown": unknown,
        "may_open_cases": has_capability(user, Capability.MANAGE_CASES),
        "today": timezone.localdate(),
    }
    if context["may_open_cases"]:
        context["all_cases"] = list(dashboards.open_cases(user).order_by("-opened_on", "reference")[:200])
    listed = mine + context.get("all_cases", [])
    context["unverified"] = dashboards.unverified_risky_case_ids(listed)
    return render(request, "aid/dashboard.html", context)


@require_capability(Capability.MANAGE_CASES)
def case_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = CaseForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = services.save_case(
            user,
            form.save(commit=False),
            persons=form.cleaned_data["person_pseudonyms"],
            incidents=form.cleaned_data["incident_references"],
        )
        messages.success(request, _("The case was opened. You are its lead."))
        return redirect("aid:case_detail", case_id=case.id)
    return _form_page(request, None, form, _("New aid case"))


@require_capability(Capability.CASE_WORK)
def case_detail(request: HttpRequest, case_id: Any) -> HttpResponse:
    user = _user(request)
    case = case_for(user, case_id)
    # Ledgered so that "what did this (detained) account open?" has an answer (threat model 2).
    record(user, "view", case)
    interventions = list(
        case.interventions.select_related(
            "intervention_type", "intervention_type__parent", "provider_user", "provider_organisation"
        )
    )
    rows = [
        {"item": i, "notes_visible": may_read_notes(i, user), "risky": dashboards.is_risky(i)}
        for i in interventions
    ]
    verified = case.client_verified
    return render(
        request,
        "aid/case_detail.html",
        {
            "case": case,
            "persons": case.persons.all(),
            "incidents": case.incidents.all(),
            "may_view_incidents": has_capability(user, Capability.VIEW_RECORDS),
            "may_report_safety": has_capability(user, Capability.REPORT_SAFETY),
            "interventions": rows,
            "verification": case.latest_verification(),
            "verified": verified,
            "unverified_risky": not verified and any(row["risky"] for row in rows),
            "tasks": case.tasks.select_related("assignee"),
            "timeline": case.detention_events.select_related("person", "place", "authority", "legal_article"),
            "inquiries": case.inquiries.select_related("person"),
            "members": case.members.select_related("user"),
            "may_manage": may_manage(case, user),
            "may_read_evacuation": may_read_evacuation_note(case, user),
            "my_role": _role_label(case_role(case, user)),
        },
    )


def _role_label(role: str | None) -> str | None:
    return str(CaseMember.Role(role).label) if role else None


@require_capability(Capability.CASE_WORK)
def case_edit(request: HttpRequest, case_id: Any) -> HttpResponse:
    user = _user(request)
    case = _managed_case(user, case_id)
    form = CaseForm(user, request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        services.save_case(
            user,
            form.save(commit=False),
            persons=form.cleaned_data["person_pseudonyms"],
            incidents=form.cleaned_data["incident_references"],
        )
        messages.success(request, _("The case was saved."))
        return redirect("aid:case_detail", case_id=case.id)
    return _form_page(request, case, form, _("Edit the case"))


def _managed_case(user: User, case_id: Any) -> Case:
    case = case_for(user, case_id)
    if not may_manage(case, user):
        raise Http404
    return case


@require_capability(Capability.CASE_WORK)
def members(request: HttpRequest, case_id: Any) -> HttpResponse:
    """The case's team: who may open it at all. Coordinators of the compartment only."""
    user = _user(request)
    case = _managed_case(user, case_id)
    form = MemberForm(request.POST if request.method == "POST" and "remove" not in request.POST else None)
    if request.method == "POST":
        if "remove" in request.POST:
            remove = request.POST.get("remove", "")
            member = get_object_or_404(CaseMember, case=case, id=int(remove) if remove.isdigit() else 0)
            services.remove_member(user, member)
            messages.success(request, _("Removed from the case: they can no longer open it."))
            return redirect("aid:members", case_id=case.id)
        if form.is_valid():
            services.set_member(user, case, form.cleaned_data["user"], form.cleaned_data["role"])
            messages.success(request, _("The team was updated."))
            return redirect("aid:members", case_id=case.id)
    return render(
        request,
        "aid/members.html",
        {"case": case, "members": case.members.select_related("user"), "form": form},
        status=400 if form.errors else 200,
    )


def _case_form(
    request: HttpRequest,
    case_id: Any,
    make_form: Callable[[Case, Any], BaseForm],
    save: Callable[[User, Case, Any], object],
    title: str,
    done: str,
    *,
    verification_warning: bool = False,
) -> HttpResponse:
    """A page with one form about a case: shown, or validated, saved and ledgered by ``save``."""
    user = _user(request)
    case = case_for(user, case_id)
    form = make_form(case, request.POST or None)
    if request.method == "POST" and form.is_valid():
        save(user, case, form)
        messages.success(request, done)
        return redirect("aid:case_detail", case_id=case.id)
    return _form_page(request, case, form, title, verification_warning=verification_warning)


def _form_page(
    request: HttpRequest, case: Case | None, form: BaseForm, title: str, *, verification_warning: bool = False
) -> HttpResponse:
    """``verification_warning``: the form plans interventions, so an unverified client is said up front."""
    unverified = verification_warning and case is not None and not case.client_verified
    return render(
        request,
        "aid/case_form.html",
        {"case": case, "form": form, "title": title, "unverified": unverified},
        status=400 if form.errors else 200,
    )


def _attached(form: Any, case: Case) -> Any:
    obj = form.save(commit=False)
    obj.case = case
    return obj


@require_capability(Capability.CASE_WORK)
def intervention_add(request: HttpRequest, case_id: Any) -> HttpResponse:
    return _case_form(
        request,
        case_id,
        lambda case, data: InterventionForm(case, data),
        lambda user, case, form: services.add_intervention(user, _attached(form, case)),
        _("Add an intervention"),
        _("The intervention was added."),
        verification_warning=True,
    )


@require_capability(Capability.CASE_WORK)
def intervention_edit(request: HttpRequest, case_id: Any, intervention_id: Any) -> HttpResponse:
    """Status, dates and outcome change as the work goes on. A psychologist's intervention is edited by
    its author only: the form would show the session notes to anyone else."""
    user = _user(request)
    case = case_for(user, case_id)
    intervention = get_object_or_404(
        Intervention.objects.select_related("intervention_type__parent"), case=case, id=intervention_id
    )
    if not may_read_notes(intervention, user):
        raise Http404
    form = InterventionForm(case, request.POST or None, instance=intervention)
    if request.method == "POST" and form.is_valid():
        services.update_intervention(user, form.save(commit=False))
        messages.success(request, _("The intervention was saved."))
        return redirect("aid:case_detail", case_id=case.id)
    return _form_page(request, case, form, _("Edit the intervention"), verification_warning=True)


@require_capability(Capability.CASE_WORK)
def verification_add(request: HttpRequest, case_id: Any) -> HttpResponse:
    return _case_form(
        request,
        case_id,
        lambda case, data: VerificationForm(data),
        lambda user, case, form: services.add_verification(user, _attached(form, case)),
        _("Record how the client was verified"),
        _("The verification was recorded."),
    )


@require_capability(Capability.CASE_WORK)
def task_add(request: HttpRequest, case_id: Any) -> HttpResponse:
    return _case_form(
        request,
        case_id,
        lambda case, data: TaskForm(case, data),
        lambda user, case, form: services.add_task(user, _attached(form, case)),
        _("Add a task or deadline"),
        _("The task was added."),
    )


@require_capability(Capability.CASE_WORK)
def detention_add(request: HttpRequest, case_id: Any) -> HttpResponse:
    return _case_form(
        request,
        case_id,
        lambda case, data: DetentionEventForm(case, data),
        lambda user, case, form: services.add_detention_event(user, _attached(form, case)),
        _("Add to the detention timeline"),
        _("The timeline was updated."),
    )


@require_capability(Capability.CASE_WORK)
def detention_edit(request: HttpRequest, case_id: Any, event_id: Any) -> HttpResponse:
    """Correct a step of the timeline (a wrong hour, the place learned later). Ledgered as an update."""
    user = _user(request)
    case = case_for(user, case_id)
    event = get_object_or_404(DetentionEvent, case=case, id=event_id)
    form = DetentionEventForm(case, request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        services.update_detention_event(user, form.save(commit=False))
        messages.success(request, _("The timeline was updated."))
        return redirect("aid:case_detail", case_id=case.id)
    return _form_page(request, case, form, _("Correct the detention timeline"))


@require_capability(Capability.CASE_WORK)
def inquiry_add(request: HttpRequest, case_id: Any) -> HttpResponse:
    return _case_form(
        request,
        case_id,
        lambda case, data: InquiryForm(case, data),
        lambda user, case, form: inquiries.add_inquiry(user, _attached(form, case)),
        _("Record an inquiry to an authority"),
        _("The inquiry was recorded."),
    )


@require_capability(Capability.CASE_WORK)
def inquiry_edit(request: HttpRequest, case_id: Any, inquiry_id: Any) -> HttpResponse:
    """Usually to record the reply; a reply closes the task that chased it."""
    user = _user(request)
    case = case_for(user, case_id)
    inquiry = get_object_or_404(Inquiry, case=case, id=inquiry_id)
    form = InquiryForm(case, request.POST or None, instance=inquiry)
    if request.method == "POST" and form.is_valid():
        inquiries.update_inquiry(user, form.save(commit=False))
        messages.success(request, _("The inquiry was saved."))
        return redirect("aid:case_detail", case_id=case.id)
    return _form_page(request, case, form, _("Inquiry and reply"))


@require_POST
@require_capability(Capability.CASE_WORK)
def task_done(request: HttpRequest, case_id: Any, task_id: Any) -> HttpResponse:
    user = _user(request)
    case = case_for(user, case_id)
    task = get_object_or_404(Task, case=case, id=task_id)
    if not task.done:
        services.mark_task_done(user, task)
    messages.success(request, _("Marked as done."))
    return redirect("aid:case_detail", case_id=case.id)


@require_capability(Capability.CASE_WORK)
def evacuation_note(request: HttpRequest, case_id: Any) -> HttpResponse:
    """Escape routes and safe houses, as free text, for the case's evacuation team and coordinators.

    Anyone else, the case's own lawyer included, gets a 404: the page does not exist for them.
    """
    user = _user(request)
    case = case_for(user, case_id)
    if not may_read_evacuation_note(case, user):
        raise Http404
    if request.method == "POST":
        form = EvacuationNoteForm(request.POST)
        if form.is_valid():
            services.save_evacuation_note(user, case, form.cleaned_data["text"])
            messages.success(request, _("The evacuation note was saved."))
            return redirect("aid:case_detail", case_id=case.id)
    else:
        form = EvacuationNoteForm(initial={"text": services.read_evacuation_note(user, case)})
    return render(request, "aid/evacuation_note.html", {"case": case, "form": form})
