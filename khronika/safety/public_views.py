"""Public pages of the registry: warnings per town, the private lookup, and its bucket answers.

What these pages must never do, and why:
- show a handle or a phone number (a hijacked account's owner is often himself a detainee, and the
  police read public pages too): the list shows confirmed places and patterns only, in the words a
  coordinator chose;
- learn what a visitor checks, when JavaScript is on: the browser hashes the identifier and asks for a
  20-bit bucket (``range``); the identifier and its full hash never leave the browser
  (tests/test_browser_lookup.py reads the network log);
- store or log the no-JavaScript check, which does reach the server: the page says so plainly, the
  query travels in a POST body (not in a URL a proxy would log), nothing reads request.META and
  nothing is written;
- set a cookie (no session, no CSRF cookie: the check is ``csrf_exempt``; a forged check changes
  nothing) or load anything from another origin (strict CSP: lookup.js is a static file).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from khronika.safety import lookup, services
from khronika.safety.forms import LookupForm
from khronika.safety.normalize import CONFUSABLES, PHONE_PLATFORMS, PLATFORMS, NotNormalizable

LANGUAGES = ("ru", "en")


def _in_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run the view in the URL's language (no cookie remembers it); any other code is a 404."""

    def wrapper(request: HttpRequest, language: str, *args: Any, **kwargs: Any) -> HttpResponse:
        if language not in LANGUAGES:
            raise Http404
        with translation.override(language):
            return view(request, language, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return csrf_exempt(wrapper)


@require_GET
@_in_language
def warnings(request: HttpRequest, language: str) -> HttpResponse:
    """Confirmed places and patterns, grouped by region and town."""
    entries = services.public_warnings()

    def town_name(entry: Any) -> str:
        return entry.town.name if entry.town else ""

    entries.sort(key=lambda e: (e.town is None, town_name(e), e.kind, str(e.id)))
    towns = [(name, list(group)) for name, group in groupby(entries, key=town_name)]
    return render(
        request, "safety/public_list.html", {"language": language, "towns": towns, **_languages(language)}
    )


@require_http_methods(["GET", "POST"])
@_in_language
def check(request: HttpRequest, language: str) -> HttpResponse:
    """The lookup page. GET: the browser checks privately (lookup.js). POST: the no-JavaScript check,
    answered here and forgotten."""
    form = LookupForm(request.POST or None)
    found: bool | None = None
    if request.method == "POST" and form.is_valid():
        try:
            found = services.check_on_server(form.subject())
        except NotNormalizable as error:  # already checked by the form; kept for a clear message
            form.add_error("identifier", str(error))
        except services.Refused as error:
            form.add_error(None, str(error))
    context = {
        "language": language,
        "form": form,
        "found": found,
        "lookup_config": _lookup_config(),
        **_languages(language),
    }
    return render(request, "safety/check.html", context, status=400 if form.errors else 200)


@require_GET
def bucket(request: HttpRequest, key_id: str, prefix: str) -> HttpResponse:
    """One bucket's padded answer: every confirmed suffix under ``prefix`` plus decoys, always the same
    length. An unknown key gets decoys only, like a bucket with nothing in it."""
    number = lookup.parse_prefix(prefix)
    if number is None or not key_id.isalnum() or len(key_id) > 16:
        raise Http404
    body = services.answer(key_id, number) or lookup.padded_answer(
        number, [], services.decoy_secret(), key_id
    )
    return HttpResponse(body, content_type="application/json")


def _languages(language: str) -> dict[str, Any]:
    return {"other_languages": [code for code in LANGUAGES if code != language]}


def _lookup_config() -> dict[str, Any]:
    """What lookup.js needs: the keys to hash under and the same normalization rules as the server's."""
    return {
        "keys": [{"id": k.key_id, "key": k.key, "iterations": k.iterations} for k in services.lookup_keys()],
        "prefixHex": lookup.PREFIX_HEX,
        "platforms": {
            code: {"allowed": p.allowed, "min": p.min_length, "max": p.max_length}
            for code, p in PLATFORMS.items()
        },
        "phonePlatforms": sorted(PHONE_PLATFORMS),
        "confusables": CONFUSABLES,
        "defaultRegion": settings.SAFETY_DEFAULT_REGION,
        "messages": {
            "chooseKind": _("Choose whether you are checking an account or a phone number."),
            "choosePlatform": _("Choose the platform the account is on."),
            "platform": _("We do not know this platform. Choose one from the list."),
            "phonePlatform": _(
                "On this platform an account is a phone number: check the phone number instead."
            ),
            "empty": _("Write the account's name, for example @name, or paste a link to it."),
            "characters": _(
                "This name contains characters the platform does not allow; check what you typed."
            ),
            "short": _("This name is too short for the platform."),
            "long": _("This name is too long for the platform."),
            "phone": _("Write the phone number with its country code, for example +7 900 …"),
            "network": _("The check did not go through. Try again in a moment."),
        },
    }
