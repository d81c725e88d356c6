"""While the vault is sealed, staff pages answer "This Khronika is sealed" (503).

Threat model 1 and 2: after a restart or a panic no key is in memory, so no page could show a record
anyway; one clear page instead of a cascade of decryption errors tells staff what happened and that an
operator must run ``khronika unseal``. Static files and the public intake (which encrypts to the
organisation's public key, no unseal needed) stay reachable: ``VAULT_SEALED_ALLOWED_PREFIXES``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from khronika.vault import state


def sealed_response(request: HttpRequest) -> HttpResponse:
    # Before the session and user middlewares: the language comes from the cookie or the browser.
    with translation.override(translation.get_language_from_request(request)):
        body = render_to_string("vault/sealed.html", request=request)
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "60"
    return response


class SealedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # path_info, as URL resolution sees it: the same under a SCRIPT_NAME prefix.
        allowed = tuple(settings.VAULT_SEALED_ALLOWED_PREFIXES)
        if state.is_unsealed() or request.path_info.startswith(allowed):
            return self.get_response(request)
        return sealed_response(request)
