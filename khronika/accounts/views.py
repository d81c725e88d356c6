"""Log in, log out, choose the language; set up two-factor login and a duress password."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from khronika.accounts import throttle, totp
from khronika.accounts.duress import (
    ensure_duress_row,
    is_decoy_session,
    remove_duress_password,
    set_duress_password,
    start_decoy_session,
)
from khronika.accounts.forms import (
    ConfirmAuthenticatorForm,
    DuressPasswordForm,
    LanguageForm,
    LoginForm,
    RecoveryCodesForm,
    RemoveDuressPasswordForm,
    StartAuthenticatorForm,
)
from khronika.accounts.models import User
from khronika.accounts.sessions import track_session
from khronika.ledger.services import record


def login(request: HttpRequest) -> HttpResponse:
    """Password and code on one page. A duress login goes through exactly the same steps and the same
    redirect; only what happens behind it differs (khronika.accounts.duress)."""
    if request.method == "POST":
        username = request.POST.get("username", "")
        wait = throttle.wait_seconds(username)
        if wait:
            # Refused before the password is checked: a throttled guess tells the guesser nothing.
            return _throttled(request, username, wait)
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid() and form.user is not None:
        user = form.user
        auth_login(request, user)
        if form.device is not None:
            otp_login(request, form.device)
        throttle.record_success(form.cleaned_data["username"])
        ensure_duress_row(user)
        if form.duress:
            start_decoy_session(request, user)
        else:
            track_session(request, user)
            record(user, "login", user)
        return redirect(_safe_next(request))
    if form.password_checked:
        throttle.record_failure(request.POST.get("username", ""))
    return render(request, "accounts/login.html", {"form": form})


def _throttled(request: HttpRequest, username: str, wait: int) -> HttpResponse:
    minutes = math.ceil(wait / 60)
    message = ngettext(
        "Too many attempts. Wait %(minutes)d minute and try again.",
        "Too many attempts. Wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}
    form = LoginForm(request, initial={"username": username})
    return render(request, "accounts/login.html", {"form": form, "throttled": message}, status=429)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=False):
        return target
    return "/"


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Logging out is a POST with a CSRF token, so a link in a message cannot log someone out."""
    if request.user.is_authenticated:
        record(request.user, "logout", request.user)
    auth_logout(request)
    return redirect("accounts:login")


@require_POST
@login_required
def set_language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    if form.is_valid():
        assert isinstance(request.user, User)
        request.user.language = form.cleaned_data["language"]
        request.user.save(update_fields=["language"])
    return redirect(_safe_next(request))


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app, confirm it with a code, and get recovery codes (shown once).

    Every step is a POST; the recovery codes are rendered in the response to the confirming POST and
    never again (the page is not cached: web.middleware sends no-store).
    """
    user = request.user
    assert isinstance(user, User)
    start_form = StartAuthenticatorForm(request, prefix="start")
    confirm_form = ConfirmAuthenticatorForm(prefix="confirm")
    codes_form = RecoveryCodesForm(request, prefix="codes")
    action = request.POST.get("action")
    recovery_codes: list[str] | None = None
    if request.method == "POST" and action == "start":
        start_form = StartAuthenticatorForm(request, request.POST, prefix="start")
        if start_form.is_valid():
            totp.start(request)
            return redirect("accounts:two_factor")
    elif request.method == "POST" and action == "confirm":
        confirm_form = ConfirmAuthenticatorForm(request.POST, prefix="confirm")
        if confirm_form.is_valid():
            recovery_codes = totp.confirm(request, confirm_form.cleaned_data["code"])
            if recovery_codes is None:
                confirm_form.add_error("code", _("That code is not right. Type the code your app shows now."))
    elif request.method == "POST" and action == "codes" and totp.has_authenticator(user):
        codes_form = RecoveryCodesForm(request, request.POST, prefix="codes")
        if codes_form.is_valid():
            recovery_codes = totp.new_recovery_codes(request)
    key = None if recovery_codes else totp.pending_key(request)
    context: dict[str, Any] = {
        "has_authenticator": totp.has_authenticator(user) or bool(recovery_codes),
        "recovery_codes": recovery_codes,
        "start_form": start_form,
        "confirm_form": confirm_form,
        "codes_form": codes_form,
    }
    if key:
        uri = totp.otpauth_uri(user, key)
        # segno's own SVG from our own data: no user input reaches the markup.
        context.update(qr_svg=mark_safe(totp.qr_svg(uri)), secret=totp.secret_for_typing(key))  # noqa: S308
    return render(request, "accounts/two_factor.html", context)


@login_required
def duress_password(request: HttpRequest) -> HttpResponse:
    """Choose, change or remove the duress password.

    The page never says whether one is set: the person forcing a login may be looking at it. In a
    decoy session it answers as usual and changes nothing. Deliberately not written to the ledger,
    which coordinators read: an informant among them must not learn who has a duress password.
    """
    user = request.user
    assert isinstance(user, User)
    set_form = DuressPasswordForm(request, prefix="set")
    remove_form = RemoveDuressPasswordForm(request, prefix="remove")
    action = request.POST.get("action")
    if request.method == "POST" and action == "set":
        set_form = DuressPasswordForm(request, request.POST, prefix="set")
        if set_form.is_valid():
            if not is_decoy_session(request):
                set_duress_password(user, set_form.cleaned_data["duress_password"])
            messages.success(request, _("Your duress password is saved."))
            return redirect("accounts:duress_password")
    elif request.method == "POST" and action == "remove":
        remove_form = RemoveDuressPasswordForm(request, request.POST, prefix="remove")
        if remove_form.is_valid():
            if not is_decoy_session(request):
                remove_duress_password(user)
            messages.success(request, _("Your duress password is removed."))
            return redirect("accounts:duress_password")
    return render(
        request, "accounts/duress_password.html", {"set_form": set_form, "remove_form": remove_form}
    )
