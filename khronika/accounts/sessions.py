"""Tracking and ending staff sessions.

Threat model 2 (a seized, unlocked device): a coordinator must be able to end every session of an
account at once, and a duress login must end the account's real sessions silently.
"""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest

from khronika.accounts.models import StaffSession, User


def track_session(request: HttpRequest, user: User) -> None:
    """Remember that the request's (freshly logged-in) session belongs to ``user``."""
    if not request.session.session_key:
        request.session.save()
    key = request.session.session_key
    assert key is not None
    StaffSession.objects.update_or_create(session_key=key, defaults={"user": user})


def revoke_all_sessions(user: User, keep: str | None = None) -> int:
    """End every session of ``user`` (but ``keep``, a session key); returns how many were ended."""
    with transaction.atomic():
        tracked = StaffSession.objects.filter(user=user)
        if keep:
            tracked = tracked.exclude(session_key=keep)
        keys = list(tracked.values_list("session_key", flat=True))
        Session.objects.filter(session_key__in=keys).delete()
        tracked.delete()
    return len(keys)
