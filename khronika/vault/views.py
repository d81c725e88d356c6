"""The coordinators' panic button: seal this process and every other one of the instance, now."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from khronika.accounts.access import require_capability
from khronika.accounts.roles import Capability
from khronika.vault.panic import panic


@require_capability(Capability.PANIC)
def panic_button(request: HttpRequest) -> HttpResponse:
    """GET: a confirmation page. POST: ledger entry, then seal everything (``khronika.vault.panic``)."""
    if request.method != "POST":
        return render(request, "vault/panic.html", {"done": False})
    others = panic(request.user)
    return render(request, "vault/panic.html", {"done": True, "others": others})
