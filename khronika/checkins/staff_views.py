"""The staff form: set a check-in for a client, who gets the two codes read out or handed over."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from khronika.accounts.access import require_capability
from khronika.accounts.roles import Capability
from khronika.checkins import services
from khronika.checkins.delivery import delivery_warning
from khronika.checkins.forms import StaffCheckInForm


@require_capability(Capability.CASE_WORK)
@require_http_methods(["GET", "POST"])
def new_checkin(request: HttpRequest) -> HttpResponse:
    form = StaffCheckInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        created = services.create_checkin(
            minutes=form.cleaned_data["minutes"],
            contacts=form.cleaned_data["contacts"],
            message=form.cleaned_data["message"],
            language=form.cleaned_data["language"],
            actor=request.user,
        )
        return render(
            request, "checkins/staff_created.html", {"created": created, "warning": delivery_warning()}
        )
    return render(request, "checkins/staff_form.html", {"form": form, "warning": delivery_warning()})
