"""The relative's status page (public, ``/status/<lang>/``) and the coordinators' page that feeds it.

The public page follows the intake's public rules (``khronika.intake.public_views``), for the same
reasons: no cookie (``csrf_exempt``, no session, no language cookie: a cookie on a seized phone says the
person was here), the phrase only in a POST body and the updates only in the answer to that POST (never a
URL or a redirect, so nothing in the browser history), ``Cache-Control: no-store`` from the security
middleware, no JavaScript, nothing from another origin, nothing about the request read or stored.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from khronika.accounts.access import require_capability
from khronika.accounts.roles import Capability
from khronika.aid import relatives
from khronika.aid.access import case_for, may_manage
from khronika.aid.forms import RelativeAccessForm, SharedUpdateForm, StatusPhraseForm
from khronika.aid.models import RelativeAccess, SharedUpdate
from khronika.aid.views import _user
from khronika.intake.services import Throttled

LANGUAGES = ("ru", "en")


@require_http_methods(["GET", "POST"])
@require_capability(Capability.CASE_WORK)
def manage(request: HttpRequest, case_id: Any) -> HttpResponse:
    """Coordinators of the case's compartment: give a phrase, share or withdraw an update, revoke."""
    user = _user(request)
    case = case_for(user, case_id)
    if not may_manage(case, user):
        raise Http404
    action = request.POST.get("action", "") if request.method == "POST" else ""
    access_form = RelativeAccessForm(case, request.POST if action == "give" else None)
    update_form = SharedUpdateForm(case, request.POST if action == "share" else None)
    context: dict[str, Any] = {}
    if action == "give" and access_form.is_valid():
        data = access_form.cleaned_data
        _access, phrase = relatives.give_phrase(user, case, data["person"], data["label"], data["language"])
        # Shown in this answer only (never stored, never in a URL): the coordinator passes it on in person.
        context["new_phrase"] = phrase.split()
        context["new_phrase_person"] = data["person"].pseudonym
        access_form = RelativeAccessForm(case)
    elif action == "share" and update_form.is_valid():
        data = update_form.cleaned_data
        relatives.share(user, case, data["person"], data["text_ru"], data["text_en"])
        messages.success(request, _("The update is on the relatives' page now."))
        return redirect("aid:relatives", case_id=case.id)
    elif action == "revoke":
        access = get_object_or_404(RelativeAccess, case=case, id=_uuid(request.POST.get("access", "")))
        relatives.revoke(user, access)
        messages.success(request, _("The phrase no longer opens anything."))
        return redirect("aid:relatives", case_id=case.id)
    elif action == "withdraw":
        update = get_object_or_404(SharedUpdate, case=case, id=_uuid(request.POST.get("update", "")))
        relatives.withdraw(user, update)
        messages.success(request, _("The update was removed from the relatives' page."))
        return redirect("aid:relatives", case_id=case.id)
    failed = access_form.errors or update_form.errors
    return render(
        request,
        "aid/relatives.html",
        {
            "case": case,
            "accesses": case.relative_accesses.select_related("person").order_by("-created_at"),
            "updates": case.shared_updates.select_related("person").order_by("-shared_at"),
            "access_form": access_form,
            "update_form": update_form,
            **context,
        },
        status=400 if failed else 200,
    )


def _uuid(text: str) -> str:
    """A form value that must name a row: anything else matches nothing (a 404, never a 500)."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return str(uuid.UUID(int=0))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest, language: str) -> HttpResponse:
    """The relative types the phrase; the answer lists the updates shared for their person."""
    if language not in LANGUAGES:
        raise Http404
    with translation.override(language):
        form = StatusPhraseForm(request.POST if request.method == "POST" else None)
        error = ""
        if request.method == "POST" and form.is_valid():
            try:
                opened = relatives.open_with_phrase(form.cleaned_data["phrase"])
            except Throttled as throttled:
                error = _(
                    "Too many wrong phrases were tried on this site in the last minutes. Wait %(minutes)d "
                    "minutes and try again."
                ) % {"minutes": max(1, round(throttled.seconds / 60))}
            else:
                if opened is not None:
                    updates = [{"at": u.shared_at, "text": u.text(language)} for u in opened.updates]
                    return _status_page(request, language, "aid/status_updates.html", {"updates": updates})
                error = _(
                    "This phrase does not open anything. Check each word and their order. If it still does "
                    "not work, it may have been cancelled: ask the person who gave it to you."
                )
        return _status_page(
            request,
            language,
            "aid/status.html",
            {"form": form, "error": error},
            status=400 if request.method == "POST" else 200,
        )


def _status_page(
    request: HttpRequest, language: str, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "language": language,
            # The intake layout's language links lead to the report form: this page offers its own.
            "other_languages": [],
            "switch_to": [code for code in LANGUAGES if code != language],
            "quick_exit_url": settings.INTAKE_QUICK_EXIT_URL,
            **context,
        },
        status=status,
    )
