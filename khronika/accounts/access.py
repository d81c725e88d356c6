"""Who may reach what: capabilities by role, records by compartment.

A user who may not see a record gets exactly the 404 of a record that does not exist (threat model 3):
an informant must not learn that a record, a page or a compartment exists by probing URLs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from khronika.accounts.roles import Capability, has_capability

M = TypeVar("M", bound=Model)
View = Callable[..., HttpResponseBase]


def require_capability(capability: Capability) -> Callable[[View], View]:
    """Log-in required, then 404 unless the user's role carries ``capability``."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not has_capability(request.user, capability):
                raise Http404
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def compartment_ids(user: Any) -> list[int]:
    """The compartments ``user`` belongs to. Superusers are no exception: need-to-know applies to all."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached: list[int] | None = getattr(user, "_khronika_compartment_ids", None)
    if cached is None:
        # The duress decoy compartment is never part of a normal session, even for someone added to it
        # by mistake: anything written there would be shown to the person forcing a duress login.
        cached = list(user.compartments.filter(decoy_workspace__isnull=True).values_list("id", flat=True))
        user._khronika_compartment_ids = cached
    return cached


def visible(queryset: QuerySet[M], user: Any, field: str = "compartment") -> QuerySet[M]:
    """``queryset`` narrowed to the records in ``user``'s compartments."""
    return queryset.filter(**{f"{field}__in": compartment_ids(user)})
