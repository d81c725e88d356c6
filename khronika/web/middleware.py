"""Security headers on every response.

Django 5.2 has no Content-Security-Policy support of its own (it arrives in 6.0, which needs Python 3.12),
and the policy we need is one fixed string, so a few lines here serve better than another dependency.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

# Threat model 4: no other origin (no CDN, font or tile server learns who reads a page) and no inline
# script (an injected <script> cannot run). 'self' only; forms post only back to us.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), interest-cohort=()"


class SecurityHeadersMiddleware:
    """Adds CSP and friends, and forbids caching of every page that is not a static asset.

    Threat model 2: a seized laptop's browser cache must not hold staff pages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if not request.path.startswith("/static/"):
            add_never_cache_headers(response)
            response.headers["Cache-Control"] = "no-store, " + response.headers["Cache-Control"]
        return response


class PdfUnavailableMiddleware:
    """Turns a PDF export on a machine without Pango into a plain page (503) instead of a server error.

    The demo runs on machines where nobody installed the Debian packages (``scripts/demo`` asks for
    them but starts without); every page that renders a PDF goes through ``aid.rendering.html_to_pdf``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from khronika.aid.rendering import PdfUnavailable

        if not isinstance(exception, PdfUnavailable):
            return None
        return render(request, "web/pdf_unavailable.html", status=503)
