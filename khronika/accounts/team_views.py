"""Team pages for coordinators: accounts, roles, compartments, sessions; exposure and revocation.

Every page needs MANAGE_USERS; anyone else gets the 404 of a page that does not exist (threat model 3).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.sessions.models import Session
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from khronika.accounts.access import require_capability
from khronika.accounts.models import Compartment, StaffSession, User
from khronika.accounts.roles import Capability, Role
from khronika.accounts.team import change_account, end_sessions, may_manage, revoke_account
from khronika.ledger.exposure import exposure
from khronika.ledger.services import record

EXPOSURE_DEFAULT_DAYS = 30


class AccountForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    compartments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Compartments"),
        queryset=Compartment.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=gettext_lazy("Active (may log in)"), required=False)

    def __init__(self, manager: User, account: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.manager, self.account = manager, account
        if manager.role != Role.ADMIN:
            # Only administrators make administrators (threat model 3: a hijacked coordinator account).
            cast(forms.ChoiceField, self.fields["role"]).choices = [
                c for c in Role.choices if c[0] != Role.ADMIN
            ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.account.pk == self.manager.pk and (
            cleaned.get("role", self.account.role) != self.account.role or not cleaned.get("is_active")
        ):
            # Nobody may lock himself out, or be the only one to decide his own role.
            raise forms.ValidationError(
                _("You cannot change your own role or switch off your own account. Ask a colleague.")
            )
        return cleaned


class SinceForm(forms.Form):
    since = forms.DateField(
        label=gettext_lazy("Opened since"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Write the date as YYYY-MM-DD, for example 2026-11-03.")},
    )


def _manager(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _account(request: HttpRequest, user_id: int, *, changing: bool = False) -> User:
    account = get_object_or_404(User, pk=user_id)
    if changing and not may_manage(_manager(request), account):
        raise Http404
    return account


def _open_sessions() -> dict[int, int]:
    """Sessions per account that have not expired: those a seized device could still be using."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    counts = StaffSession.objects.filter(session_key__in=live).values("user").annotate(n=Count("id"))
    return {row["user"]: row["n"] for row in counts}


@require_capability(Capability.MANAGE_USERS)
def team_list(request: HttpRequest) -> HttpResponse:
    manager, sessions = _manager(request), _open_sessions()
    accounts = [
        {
            "account": account,
            "sessions": sessions.get(account.pk, 0),
            "editable": may_manage(manager, account),
        }
        for account in User.objects.prefetch_related("compartments")
    ]
    return render(request, "accounts/team_list.html", {"accounts": accounts})


@require_capability(Capability.MANAGE_USERS)
def team_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    manager = _manager(request)
    account = _account(request, user_id, changing=True)
    initial = {
        "role": account.role,
        "compartments": list(account.compartments.all()),
        "is_active": account.is_active,
    }
    form = AccountForm(manager, account, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        change_account(manager, account, data["role"], data["compartments"], data["is_active"])
        messages.success(request, _("The account %(name)s was saved.") % {"name": account.username})
        return redirect("accounts:team_list")
    context = {"account": account, "form": form, "sessions": _open_sessions().get(account.pk, 0)}
    return render(request, "accounts/team_edit.html", context, status=400 if form.errors else 200)


@require_POST
@require_capability(Capability.MANAGE_USERS)
def team_end_sessions(request: HttpRequest, user_id: int) -> HttpResponse:
    """End every session of an account, at once (threat model 2). One's own current session is kept."""
    account = _account(request, user_id)
    manager = _manager(request)
    keep = request.session.session_key if account.pk == manager.pk else None
    ended = end_sessions(manager, account, keep=keep)
    message = ngettext(
        "%(count)d session of %(name)s was ended.", "%(count)d sessions of %(name)s were ended.", ended
    )
    messages.success(request, message % {"count": ended, "name": account.username})
    return redirect("accounts:team_list")


@require_capability(Capability.MANAGE_USERS)
def team_exposure(request: HttpRequest, user_id: int) -> HttpResponse:
    account = _account(request, user_id)
    default = timezone.localdate() - timedelta(days=EXPOSURE_DEFAULT_DAYS)
    form = SinceForm(request.GET if "since" in request.GET else None, initial={"since": default})
    if form.is_bound and not form.is_valid():
        return render(request, "accounts/team_exposure.html", {"account": account, "form": form}, status=400)
    since = form.cleaned_data["since"] if form.is_bound else default
    # Looking at what a colleague touched is itself ledgered: it lists references across his work.
    record(request.user, "exposure", account)
    report = exposure(account, since, reader=request.user)
    context = {"account": account, "form": form, "report": report, "since": since}
    return render(request, "accounts/team_exposure.html", context)


@require_POST
@require_capability(Capability.MANAGE_USERS)
def team_revoke(request: HttpRequest, user_id: int) -> HttpResponse:
    """Revoke now. Any account but one's own, administrators included: a detained administrator must be
    cut off by whoever is awake, and an administrator can restore a mistaken revocation.

    The answer shows what the account could reach until this moment, since afterwards it reaches nothing.
    """
    manager = _manager(request)
    account = _account(request, user_id)
    if account.pk == manager.pk:
        messages.error(request, _("You cannot revoke your own account. Ask a colleague."))
        return redirect("accounts:team_exposure", user_id=account.pk)
    form = SinceForm(request.POST)
    since = (
        form.cleaned_data["since"]
        if form.is_valid()
        else timezone.localdate() - timedelta(days=EXPOSURE_DEFAULT_DAYS)
    )
    report = exposure(account, since, reader=manager)
    ended = revoke_account(manager, account)
    messages.success(
        request,
        _(
            "%(name)s was revoked: the account is switched off, has no compartments any more, and its "
            "sessions were ended (%(count)d). Below is what it could reach until now."
        )
        % {"name": account.username, "count": ended},
    )
    context = {
        "account": account,
        "form": SinceForm(initial={"since": since}),
        "report": report,
        "since": since,
    }
    return render(request, "accounts/team_exposure.html", context)
