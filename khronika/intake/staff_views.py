"""The staff inbox: read, answer, triage and record anonymous reports (after an unseal)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from khronika.accounts.access import require_capability
from khronika.accounts.models import User
from khronika.accounts.roles import Capability, has_capability
from khronika.aid.forms import OpenCaseForm
from khronika.aid.services import existing_case_for, open_case_from_submission
from khronika.intake import services
from khronika.intake.conversion import incident_prefill
from khronika.intake.forms import StaffReplyForm
from khronika.intake.models import Attachment, Submission
from khronika.ledger.services import record
from khronika.records.models import Place, Term
from khronika.records.models.bilingual import in_language
from khronika.records.views import incident_form


def _submission(submission_id: Any) -> Submission:
    return get_object_or_404(Submission, id=submission_id)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_GET
@require_capability(Capability.TRIAGE_INTAKE)
def inbox(request: HttpRequest) -> HttpResponse:
    """Urgent reports first, then those waiting for an answer, newest first; spam at the end."""
    show_spam = request.GET.get("spam") == "1"
    rows = (
        Submission.objects.filter(status=Submission.Status.SPAM)
        if show_spam
        else Submission.objects.exclude(status=Submission.Status.SPAM)
    )
    rows = rows.order_by("-urgent", "-waiting_for_staff", "-received_hour", "id")
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    entries = []
    for submission in page.object_list:
        answers = services.open_as_staff(submission).answers()
        entries.append({"submission": submission, "summary": answers["what_happened"][:160]})
    return render(request, "intake/inbox.html", {"page": page, "entries": entries, "show_spam": show_spam})


def _detail(request: HttpRequest, submission: Submission, form: StaffReplyForm | None = None) -> HttpResponse:
    opened = services.open_as_staff(submission)
    may_open_originals = has_capability(request.user, Capability.OPEN_ORIGINALS)
    files, thread = opened.thread(with_originals=may_open_originals)
    answers = opened.answers()
    # Ledgered so that "what did this (detained) account read?" has an answer (threat model 2).
    record(request.user, "intake.view", submission)
    return render(
        request,
        "intake/submission.html",
        {
            "submission": submission,
            "answers": answers,
            "acts": _act_labels(answers["acts"]),
            "place": ", ".join(
                in_language(p.name_ru, p.name_en) for p in Place.objects.filter(code=answers["place"])
            ),
            "files": files,
            "thread": thread,
            "form": form or StaffReplyForm(),
            "may_delete": has_capability(request.user, Capability.DELETE_RECORDS),
            "may_record": has_capability(request.user, Capability.EDIT_RECORDS),
            "may_report_safety": has_capability(request.user, Capability.REPORT_SAFETY),
            "aid_case": existing_case_for(submission),
            "may_open_case": has_capability(request.user, Capability.MANAGE_CASES),
            "open_case_form": OpenCaseForm(_user(request)),
        },
        status=400 if form is not None and form.errors else 200,
    )


def _act_labels(codes: list[str]) -> str:
    """Staff read the ticked acts in their own vocabulary (the source saw the everyday wording)."""
    terms = Term.objects.filter(vocabulary__code="act_type", code__in=codes)
    return ", ".join(in_language(term.label_ru, term.label_en) for term in terms)


@require_GET
@require_capability(Capability.TRIAGE_INTAKE)
def submission_detail(request: HttpRequest, submission_id: Any) -> HttpResponse:
    return _detail(request, _submission(submission_id))


@require_POST
@require_capability(Capability.TRIAGE_INTAKE)
def reply(request: HttpRequest, submission_id: Any) -> HttpResponse:
    submission = _submission(submission_id)
    form = StaffReplyForm(request.POST)
    if not form.is_valid():
        return _detail(request, submission, form)
    services.add_message(services.open_as_staff(submission), form.cleaned_data["text"], author=_user(request))
    messages.success(
        request, _("Your reply was sent. The source reads it when they come back with their phrase.")
    )
    return redirect("inbox:submission", submission_id=submission.id)


@require_POST
@require_capability(Capability.TRIAGE_INTAKE)
def change_status(request: HttpRequest, submission_id: Any) -> HttpResponse:
    submission = _submission(submission_id)
    status = request.POST.get("status", "")
    if status not in (Submission.Status.SPAM, Submission.Status.IN_PROGRESS):
        messages.error(request, _("That status cannot be set here."))
    else:
        services.set_status(_user(request), submission, status)
        messages.success(
            request, _("Marked as spam.") if status == Submission.Status.SPAM else _("Back in the inbox.")
        )
    return redirect("inbox:submission", submission_id=submission.id)


@require_POST
@require_capability(Capability.TRIAGE_INTAKE)
def revoke(request: HttpRequest, submission_id: Any) -> HttpResponse:
    submission = _submission(submission_id)
    services.revoke_phrase(_user(request), submission)
    messages.success(request, _("The receipt phrase no longer works. The report stays in the inbox."))
    return redirect("inbox:submission", submission_id=submission.id)


@require_capability(Capability.DELETE_RECORDS)
def delete(request: HttpRequest, submission_id: Any) -> HttpResponse:
    submission = _submission(submission_id)
    if request.method != "POST":
        return render(
            request,
            "records/confirm_delete.html",
            {
                "what": _("this report, its messages and files"),
                "name": _("the report of %(hour)s")
                % {"hour": submission.received_hour.strftime("%Y-%m-%d %H:00")},
                "back": f"/inbox/{submission.id}/",
            },
        )
    services.shred(_user(request), submission)
    messages.success(request, _("The report was deleted and its encrypted data destroyed."))
    return redirect("inbox:inbox")


@require_capability(Capability.TRIAGE_INTAKE)
@require_capability(Capability.EDIT_RECORDS)
def record_as_incident(request: HttpRequest, submission_id: Any) -> HttpResponse:
    """The incident form, pre-filled from the report; saving it links the report to the incident."""
    submission = _submission(submission_id)
    opened = services.open_as_staff(submission)
    user = _user(request)
    return incident_form(
        request,
        None,
        prefill=incident_prefill(opened),
        on_saved=lambda incident: services.mark_converted(user, submission, incident),
    )


@require_POST
@require_capability(Capability.TRIAGE_INTAKE)
@require_capability(Capability.MANAGE_CASES)
def open_aid_case(request: HttpRequest, submission_id: Any) -> HttpResponse:
    """One step from a report to an aid case (khronika.aid.services.open_case_from_submission)."""
    submission = _submission(submission_id)
    user = _user(request)
    form = OpenCaseForm(user, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a compartment you belong to for the case."))
        return redirect("inbox:submission", submission_id=submission.id)
    case = open_case_from_submission(user, submission, form.cleaned_data["compartment"])
    messages.success(
        request, _("The aid case is open. Its first task: contact the source through the inbox.")
    )
    return redirect("aid:case_detail", case_id=case.id)


@require_GET
@require_capability(Capability.TRIAGE_INTAKE)
def download(request: HttpRequest, submission_id: Any, attachment_id: Any) -> HttpResponse:
    """Always an attachment, never rendered inline: a hostile file must not run in our origin.
    Kept originals only for those who may open them; for others they do not exist (404)."""
    submission = _submission(submission_id)
    attachments = Attachment.objects.filter(submission=submission)
    if not has_capability(request.user, Capability.OPEN_ORIGINALS):
        attachments = attachments.filter(is_original=False)
    attachment = get_object_or_404(attachments, id=attachment_id)
    opened = services.open_as_staff(submission)
    content = opened.file_content(attachment)
    info = opened.file_info(attachment)
    record(request.user, "intake.open_original" if attachment.is_original else "intake.download", attachment)
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, info.name or str(attachment.id)) or ""
    return response
