"""Letters to authorities and the case summary: pages for the case's team, files that are never stored.

Who: every member of the case and the coordinators of its compartment (``access.case_for``); anyone else
gets the 404 of a case that does not exist. Each file produced is a ledgered ``export`` of the case.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from khronika.accounts.access import require_capability
from khronika.accounts.roles import Capability
from khronika.aid import letters, rendering, summary
from khronika.aid.access import case_for
from khronika.aid.forms import LetterForm
from khronika.aid.models import Case
from khronika.aid.views import _user
from khronika.ledger.services import record
from khronika.records.models import Person


@require_GET
@require_capability(Capability.CASE_WORK)
def documents(request: HttpRequest, case_id: Any) -> HttpResponse:
    user = _user(request)
    case = case_for(user, case_id)
    now = timezone.now()
    return render(
        request,
        "aid/documents.html",
        {
            "case": case,
            "kinds": letters.available_kinds(case, now),
            "escalation_reached": letters.escalation_reached(case, now),
            "persons": case.persons.order_by("pseudonym"),
        },
    )


def _person(case: Case, pseudonym: str) -> Person | None:
    """The person the letter is about: the one named, else the case's first. A case with nobody on it yet
    still gets its letters, with every fact left to complete."""
    persons = case.persons.order_by("pseudonym")
    if pseudonym:
        person = persons.filter(pseudonym=pseudonym).first()
        if person is None:
            raise Http404
        return person
    return persons.first()


@require_http_methods(["GET", "POST"])
@require_capability(Capability.CASE_WORK)
def letter(request: HttpRequest, case_id: Any, kind: str) -> HttpResponse:
    """GET: the letter filled from the case, in an editable form. POST: the edited letter as PDF or DOCX."""
    user = _user(request)
    case = case_for(user, case_id)
    now = timezone.now()
    letter_kind = letters.KINDS.get(kind)
    if letter_kind is None or letter_kind not in letters.available_kinds(case, now):
        raise Http404
    person = _person(case, request.GET.get("person", ""))
    if request.method == "POST":
        form = LetterForm(request.POST)
        if form.is_valid():
            edited = rendering.Letter(
                form.cleaned_data["title"], form.cleaned_data["text"], letter_kind.language, letter_kind.draft
            )
            if form.cleaned_data["format"] == "pdf":
                content, content_type, extension = rendering.letter_pdf(edited), rendering.PDF_TYPE, "pdf"
            else:
                content, content_type, extension = rendering.letter_docx(edited), rendering.DOCX_TYPE, "docx"
            record(user, "export", case)
            return _attachment(content, content_type, f"{letter_kind.slug}.{extension}")
    else:
        filled = letters.draft(letter_kind, case, person, now)
        form = LetterForm(initial={"title": filled.title, "text": filled.text, "format": "pdf"})
    return render(
        request,
        "aid/letter.html",
        {"case": case, "kind": letter_kind, "form": form, "person": person},
        status=400 if form.errors else 200,
    )


@require_GET
@require_capability(Capability.CASE_WORK)
def case_summary(request: HttpRequest, case_id: Any) -> HttpResponse:
    """The bilingual case summary for a lawyer, as PDF (ledgered as an export)."""
    user = _user(request)
    case = case_for(user, case_id)
    return _attachment(summary.case_summary_pdf(user, case), rendering.PDF_TYPE, f"case-{case.reference}.pdf")


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    # The file name names the kind of document or the case reference, never a person.
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
