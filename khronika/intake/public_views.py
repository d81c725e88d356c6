"""The public pages: report, receipt, return with the phrase, conversation.

What these pages must never do, and why (threat model 4, and a source whose phone is taken):
- set a cookie (no session, no CSRF cookie, no language cookie): a cookie on a seized phone says the
  person was here. CSRF protection guards a logged-in user's authority; a source has none to abuse,
  and a forged cross-site report is just another report, so the views are ``csrf_exempt``;
- put anything secret in a URL or in the browser's history: the phrase travels only in POST bodies,
  the return visit in an encrypted form field (``return_visit``), and results are rendered directly
  in answer to the POST, never by a redirect to a URL that names a submission;
- be cached (``Cache-Control: no-store`` from the security middleware, on every page);
- load anything from another origin, or need JavaScript (strict CSP, server-rendered HTML);
- store or log anything about the request (no IP, no user agent): nothing here reads request.META.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from khronika.intake import flood, proof_of_work, return_visit, services
from khronika.intake.forms import PhraseForm, ReportForm, SourceMessageForm
from khronika.intake.sanitize import RefusedFile, sanitize_upload

LANGUAGES = ("ru", "en")


def _render(
    request: HttpRequest, language: str, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {
        "language": language,
        "other_languages": [code for code in LANGUAGES if code != language],
        "quick_exit_url": settings.INTAKE_QUICK_EXIT_URL,
        **context,
    }
    return render(request, template, context, status=status)


def _in_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run the view in the URL's language, and refuse any other language code with a plain 404."""

    def wrapper(request: HttpRequest, language: str, *args: Any, **kwargs: Any) -> HttpResponse:
        if language not in LANGUAGES:
            raise Http404
        with translation.override(language):
            return view(request, language, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return csrf_exempt(wrapper)


@require_GET
def choose_language(request: HttpRequest) -> HttpResponse:
    """``/report/``: to the form in the browser's language. Tor Browser always asks for English, so
    every page also offers the other language in one click."""
    language = translation.get_language_from_request(request)
    return HttpResponseRedirect(reverse("intake:report", args=["ru" if language == "ru" else "en"]))


def _clean_uploads(files: Iterable[UploadedFile], keep_originals: bool) -> list[services.Upload]:
    """Strip every file's metadata in memory; ``RefusedFile`` names the first file refused."""
    uploads = []
    for upload in files:
        data = upload.read()
        name = upload.name or ""
        try:
            clean = sanitize_upload(name, data, max_bytes=settings.INTAKE_MAX_FILE_BYTES)
        except RefusedFile as refused:
            raise RefusedFile(
                _("“%(name)s”: %(why)s") % {"name": name[:100], "why": refused.message}
            ) from None
        uploads.append(
            services.Upload(clean=clean, original_name=name, original=data if keep_originals else None)
        )
    return uploads


@require_http_methods(["GET", "POST"])
@_in_language
def report(request: HttpRequest, language: str) -> HttpResponse:
    posted = request.method == "POST"  # an empty POST is still a submission, to be told what is missing
    form = ReportForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        try:
            uploads = _clean_uploads(form.cleaned_data["attachments"], form.cleaned_data["keep_originals"])
        except RefusedFile as refused:
            form.add_error("attachments", refused.message)
        else:
            proof = proof_of_work.is_solved(
                request.POST.get("pow_challenge", ""), request.POST.get("pow_nonce", "")
            )
            if not flood.allow_submission(with_proof=proof):
                return _render(request, language, "intake/busy.html", {}, status=503)
            submission, phrase = services.submit(
                form.answers(), uploads, language=language, urgent=form.cleaned_data["urgent"]
            )
            return _render(
                request,
                language,
                "intake/receipt.html",
                # No language switch here: following it would lose the phrase, shown only once.
                {
                    "phrase": phrase.split(),
                    "uploads": uploads,
                    "urgent": submission.urgent,
                    "other_languages": [],
                },
            )
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "pow_challenge": proof_of_work.new_challenge(),
        "pow_bits": settings.INTAKE_POW_BITS,
    }
    return _render(request, language, "intake/report.html", context, status=status)


def _conversation(
    request: HttpRequest,
    language: str,
    opened: services.OpenSubmission,
    visit: return_visit.Visit,
    **extra: Any,
) -> HttpResponse:
    files, messages = opened.thread()
    form = extra.pop("form", None) or SourceMessageForm(initial={"token": visit.token()})
    return _render(
        request,
        language,
        "intake/conversation.html",
        {
            "answers": opened.answers(),
            "files": files,
            "messages": messages,
            "form": form,
            "visit_minutes": settings.INTAKE_RETURN_MINUTES,
            "other_languages": [],  # following a language link would end the visit
            **extra,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@_in_language
def come_back(request: HttpRequest, language: str) -> HttpResponse:
    form = PhraseForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            opened = services.open_with_phrase(form.cleaned_data["phrase"])
        except services.Throttled as throttled:
            minutes = max(1, round(throttled.seconds / 60))
            error = _(
                "Too many wrong phrases were tried on this site in the last minutes. Wait %(minutes)d "
                "minutes and try again; your report is safe."
            ) % {"minutes": minutes}
        else:
            if opened is not None:
                visit = return_visit.start(opened.submission.id, opened.key)
                return _conversation(request, language, opened, visit)
            error = _(
                "This phrase does not open any report. Check each word and their order. If it still "
                "does not work, the phrase may have been cancelled: send a new report."
            )
    status = 400 if request.method == "POST" else 200
    return _render(request, language, "intake/come_back.html", {"form": form, "error": error}, status=status)


@require_POST
@_in_language
def send_message(request: HttpRequest, language: str) -> HttpResponse:
    post = request.POST.copy()  # mutable: the page sent back carries a new token
    form = SourceMessageForm(post, request.FILES)
    visit = return_visit.resume(request.POST.get("token", ""))
    opened = services.open_for_source(visit.submission_id, visit.key) if visit else None
    if visit is None or opened is None:
        return _render(
            request,
            language,
            "intake/come_back.html",
            {
                "form": PhraseForm(),
                "error": _(
                    "Your visit has ended, to protect you. Enter your phrase again; nothing you sent is lost."
                ),
            },
            status=400,
        )
    if not visit.may_send:
        form.is_valid()
        form.add_error(
            None, _("You have sent many messages in this visit. Enter your phrase again to send more.")
        )
    elif form.is_valid():
        try:
            uploads = _clean_uploads(form.cleaned_data["attachments"], form.cleaned_data["keep_originals"])
        except RefusedFile as refused:
            form.add_error("attachments", refused.message)
        else:
            services.add_message(opened, form.cleaned_data["text"], uploads)
            visit = visit.after_message()
            return _conversation(request, language, opened, visit, sent=True, sent_uploads=uploads)
    post["token"] = visit.token()
    return _conversation(request, language, opened, visit, form=form)


@require_GET
@_in_language
def staying_safe(request: HttpRequest, language: str) -> HttpResponse:
    """How to reach this page when Tor is blocked, and how to keep the phrase safe."""
    return _render(request, language, "intake/staying_safe.html", {})
