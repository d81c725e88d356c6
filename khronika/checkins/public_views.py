"""The person's pages: set a check-in, and type a code to close it.

What these pages must never do, and why (a captor holding the phone, threat model 4):
- set a cookie or put anything in a URL: the codes travel only in POST bodies and every answer is
  rendered in reply to the POST, so the browser history holds only ``/check-in/<lang>/``. There are no
  cancel links: a link could be found and followed by someone else. ``csrf_exempt`` because there is
  no session whose authority a forged request could borrow (as in intake/public_views.py);
- be cached (``no-store`` from the security middleware) or need JavaScript (strict CSP);
- answer a duress code differently from a cancel code, on screen or in time (``services.use_code``,
  and the answer padded to ``CHECKINS_CODE_ANSWER_SECONDS``);
- read or log anything about the request (no IP address, no user agent).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from khronika.checkins import services
from khronika.checkins.delivery import delivery_warning
from khronika.checkins.forms import CheckInForm, CodeForm

LANGUAGES = ("ru", "en")


def _in_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapper(request: HttpRequest, language: str) -> HttpResponse:
        if language not in LANGUAGES:
            raise Http404
        with translation.override(language):
            return view(request, language)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return csrf_exempt(wrapper)


def render_page(
    request: HttpRequest, language: str, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {
        "language": language,
        "other_languages": [code for code in LANGUAGES if code != language],
        "quick_exit_url": settings.INTAKE_QUICK_EXIT_URL,
        "warning": delivery_warning(),
        **context,
    }
    return render(request, template, context, status=status)


@_in_language
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, language: str) -> HttpResponse:
    """``/check-in/<lang>/``: set a check-in; the answer shows the two codes once."""
    form = CheckInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not services.allow_new_checkin():
            form.add_error(
                None, _("Too many check-ins are being set right now. Please try again in a minute.")
            )
        else:
            created = services.create_checkin(
                minutes=form.cleaned_data["minutes"],
                contacts=form.cleaned_data["contacts"],
                message=form.cleaned_data["message"],
                language=language,
            )
            return render_page(
                request, language, "checkins/created.html", {"created": created, "code_form": CodeForm()}
            )
    status = 400 if form.errors else 200
    return render_page(
        request, language, "checkins/start.html", {"form": form, "code_form": CodeForm()}, status
    )


@_in_language
@require_POST
def enter_code(request: HttpRequest, language: str) -> HttpResponse:
    """``/check-in/<lang>/code/``: the cancel code and the duress code both land here and both answer
    "cancelled"; only the duress code alerts the contacts."""
    started = time.monotonic()
    form = CodeForm(request.POST)
    outcome = services.use_code(form.cleaned_data["code"]) if form.is_valid() else services.Outcome.UNKNOWN
    # Threat: a captor timing the answer. Pad both codes (and a wrong one) to the same duration.
    remaining = settings.CHECKINS_CODE_ANSWER_SECONDS - (time.monotonic() - started)
    if remaining > 0:
        time.sleep(remaining)
    if outcome == services.Outcome.UNKNOWN:
        form = CodeForm()  # the typed code is not shown again
        error = _("No check-in has this code. Check the words and try again.")
        return render_page(
            request,
            language,
            "checkins/start.html",
            {"form": CheckInForm(), "code_form": form, "code_error": error},
            400,
        )
    return render_page(
        request, language, "checkins/closed.html", {"too_late": outcome == services.Outcome.TOO_LATE}
    )
