"""Log in, log out, choose the language."""

from __future__ import annotations

from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from khronika.accounts.forms import LanguageForm, LoginForm
from khronika.accounts.models import User
from khronika.accounts.sessions import track_session
from khronika.ledger.services import record


def login(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid() and form.user is not None:
        user = form.user
        auth_login(request, user)
        if form.device is not None:
            otp_login(request, form.device)
        track_session(request, user)
        record(user, "login", user)
        return redirect(_safe_next(request))
    return render(request, "accounts/login.html", {"form": form})


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
