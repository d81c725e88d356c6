"""Per-user language and session lifetimes."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import translation

LOGIN_AT_KEY = "khronika_login_at"
LAST_SEEN_KEY = "khronika_last_seen"
# Writing the session on every request would cost a database write per page; a minute's slack is fine.
LAST_SEEN_RESOLUTION_SECONDS = 60


class UserLanguageMiddleware:
    """Activates the language a staff member chose, else the browser's (Russian or English).

    It runs in place of Django's LocaleMiddleware, after authentication, because the choice is stored on
    the account: a shared or borrowed computer must not decide the language of someone's session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.language
        else:
            language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        response.headers["Vary"] = ", ".join(filter(None, [response.headers.get("Vary"), "Accept-Language"]))
        return response


class SessionLifetimeMiddleware:
    """Ends a staff session after it sat idle too long or lived too long.

    Threat model 2: a laptop seized with a browser open must not stay logged in. Idle expiry (30 minutes
    by default) and an absolute lifetime (8 hours) both apply; either logs the user out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            login_at = request.session.get(LOGIN_AT_KEY, now)
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if (
                now - login_at > settings.SESSION_COOKIE_AGE
                or now - last_seen > settings.SESSION_IDLE_SECONDS
            ):
                logout(request)
            else:
                request.session.setdefault(LOGIN_AT_KEY, now)
                if now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS or LAST_SEEN_KEY not in request.session:
                    request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
