"""The public dashboard of released figures, /figures/<language>/: read-only, no JavaScript, no cookies.

Only published counts releases are shown; their figures were made differentially private when they
were approved, so these pages read no record and can be served to anyone (threat model 5). No session,
no form, no cookie: a visit leaves nothing on a seized phone beyond the browser history.
"""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from khronika.publishing.models import Release
from khronika.publishing.report import report_context, report_pdf

LANGUAGES = ("ru", "en")


def _published() -> list[Release]:
    return list(
        Release.objects.filter(kind=Release.Kind.COUNTS, status=Release.Status.PUBLISHED).order_by(
            "-approved_at"
        )[:50]
    )


def _chosen(request: HttpRequest, releases: list[Release]) -> Release | None:
    wanted = request.GET.get("release", "")
    if not wanted:
        return releases[0] if releases else None
    try:
        key = uuid.UUID(wanted)
    except ValueError:
        raise Http404 from None
    for release in releases:
        if release.id == key:
            return release
    raise Http404


@require_GET
def dashboard(request: HttpRequest, language: str) -> HttpResponse:
    if language not in LANGUAGES:
        raise Http404
    with translation.override(language):
        releases = _published()
        release = _chosen(request, releases)
        context = report_context(release, language) if release else {"language": language}
        context |= {
            "releases": releases,
            "release": release,
            "other_languages": [c for c in LANGUAGES if c != language],
        }
        return render(request, "publishing/figures.html", context)


@require_GET
def report_pdf_view(request: HttpRequest, language: str) -> HttpResponse:
    if language not in LANGUAGES:
        raise Http404
    release = _chosen(request, _published())
    if release is None:
        return HttpResponseRedirect(reverse("figures:dashboard", args=[language]))
    response = HttpResponse(report_pdf(release, language), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="khronika-figures-{language}.pdf"'
    return response
