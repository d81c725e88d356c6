"""The duress password and the decoy workspace it opens.

Threat model 2 (forced login): a staff member made to log in in front of police types the duress
password instead of the real one. What the watcher sees is an ordinary login into an ordinary
workspace; what happens is that the account's other sessions end, coordinators are alerted, the ledger
says so, and the session only ever reaches a decoy compartment of synthetic records.

Nothing on screen may differ from a normal login: the same redirect, the same pages, the same hashing
work (both the real and the duress hash are checked on every login attempt), and pages that would
change the account (password, duress password, authenticator) answer as usual but change nothing.
"""

from __future__ import annotations

import logging
import random
import secrets
from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone

from khronika.accounts.alerts import raise_alert
from khronika.accounts.models import Alert, Compartment, DecoyWorkspace, DuressPassword, User
from khronika.accounts.roles import Capability
from khronika.accounts.sessions import revoke_all_sessions, track_session
from khronika.ledger.services import record

log = logging.getLogger(__name__)

# Server-side session data only; the browser holds nothing but the usual session id.
DECOY_SESSION_KEY = "khronika_decoy"

# What a decoy session may do: work on (synthetic) records. Never the ledger (it would show the
# duress_login entry), team management, imports or exports.
DECOY_CAPABILITIES = frozenset(
    {
        Capability.VIEW_RECORDS,
        Capability.VIEW_SENSITIVE,
        Capability.EDIT_RECORDS,
        Capability.REVEAL_IDENTITY,
        Capability.MANAGE_CONSENT,
    }
)
# Fail closed: a decoy session reaches these pages and nothing else, so an app added later cannot
# leak real data to it by forgetting to check for decoy sessions.
DECOY_NAMESPACES = frozenset({"records"})
DECOY_VIEWS = frozenset(
    {
        "home",
        "accounts:login",
        "accounts:logout",
        "accounts:set_language",
        "accounts:two_factor",
        "accounts:duress_password",
    }
)


# --- the duress password -------------------------------------------------------------------------


@cache
def _dummy_hash() -> str:
    """A real hash of an unknowable password, checked when there is nothing to check, so that every
    login attempt costs the same two hashes whether or not the account or its duress password exists."""
    return make_password(secrets.token_urlsafe(32))


def duress_matches(user: User | None, raw_password: str) -> bool:
    """Whether ``raw_password`` is ``user``'s duress password. Always runs exactly one hash."""
    row = DuressPassword.objects.filter(user=user).first() if user is not None else None
    encoded = row.password if row is not None else _dummy_hash()
    return check_password(raw_password, encoded) and row is not None


def set_duress_password(user: User, raw_password: str) -> None:
    """Choose ``raw_password`` as ``user``'s duress password, and make sure a decoy workspace exists."""
    _store(user, make_password(raw_password))
    ensure_decoy_workspace()


def remove_duress_password(user: User) -> None:
    """Replace the duress password by an unknowable one: the row stays, so nobody can tell."""
    _store(user, make_password(secrets.token_urlsafe(32)))


def ensure_duress_row(user: User) -> None:
    """Give ``user`` a duress row holding an unknowable password if they have none (see the model)."""
    if not DuressPassword.objects.filter(user=user).exists():
        DuressPassword.objects.get_or_create(
            user=user, defaults={"password": make_password(secrets.token_urlsafe(32))}
        )


def _store(user: User, encoded: str) -> None:
    DuressPassword.objects.update_or_create(
        user=user, defaults={"password": encoded, "changed_at": timezone.now()}
    )


# --- sessions ------------------------------------------------------------------------------------


def is_decoy_session(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(DECOY_SESSION_KEY))


def password_is_right(request: HttpRequest, raw_password: str) -> bool:
    """Check "your current password" on a settings page. In a decoy session the password the watcher
    saw typed is the duress password, so that is the one that must be accepted there."""
    user = request.user
    assert isinstance(user, User)
    if is_decoy_session(request):
        return duress_matches(user, raw_password)
    return user.check_password(raw_password)


def start_decoy_session(request: HttpRequest, user: User) -> None:
    """After a duress login: mark the session, end the account's other sessions, alert, ledger.

    The caller has already logged ``user`` in exactly as for a normal login.
    """
    request.session[DECOY_SESSION_KEY] = True
    track_session(request, user)
    revoke_all_sessions(user, keep=request.session.session_key)
    raise_alert(Alert.Kind.DURESS_LOGIN, user)
    record(user, "duress_login", user)
    try:
        ensure_decoy_workspace()
    except Exception:  # an empty decoy is still safe; a server error would give the duress away
        log.exception("could not fill the decoy workspace")


# --- the decoy workspace -------------------------------------------------------------------------


def decoy_compartment() -> Compartment:
    """The decoy compartment, created (empty) if it does not exist yet."""
    workspace = DecoyWorkspace.objects.select_related("compartment").first()
    if workspace is not None:
        return workspace.compartment
    with transaction.atomic():
        name = _free_compartment_name(settings.KHRONIKA_DECOY_COMPARTMENT)
        compartment = Compartment.objects.create(name=name)
        DecoyWorkspace.objects.create(compartment=compartment)
    return compartment


def ensure_decoy_workspace() -> Compartment:
    """The decoy compartment, filled with synthetic records the first time it is needed."""
    from khronika.records.demo import generate  # records imports accounts: import when needed
    from khronika.records.models import Incident

    compartment = decoy_compartment()
    if not Incident.objects.filter(compartment=compartment).exists():
        # A random seed: with a fixed one every installation's decoy would hold the same records, and
        # someone who had seen one would recognise the next.
        seed = secrets.randbelow(2**31)
        generate(settings.KHRONIKA_DECOY_INCIDENTS, seed=seed, compartments=[compartment])
        _age_records(compartment, random.Random(seed))  # noqa: S311  # not a secret, just variety
    return compartment


def _age_records(compartment: Compartment, rng: random.Random) -> None:
    """A lived-in look: each record was written some days after what it describes, not all today."""
    from khronika.records.models import Incident

    now = timezone.now()
    incidents = list(Incident.objects.filter(compartment=compartment))
    for incident in incidents:
        day = incident.date_end or incident.date_start or now.date()
        written = timezone.make_aware(datetime.combine(day, time(8))) + timedelta(
            days=rng.randint(1, 40), minutes=rng.randint(0, 12 * 60)
        )
        incident.created_at = min(written, now)
    Incident.objects.bulk_update(incidents, ["created_at"], batch_size=500)


def _free_compartment_name(wanted: str) -> str:
    name, number = wanted, 1
    while Compartment.objects.filter(name=name).exists():
        number += 1
        name = f"{wanted} {number}"
    return name


class DecoyWorkspaceMiddleware:
    """Confines a decoy session to the decoy compartment and to working on records.

    It runs after authentication and OTP verification and sets the user's compartment list, which
    ``khronika.accounts.access.visible`` and every list and 404 check go through, to the decoy
    compartment alone: the user's real records answer 404 exactly as records of another compartment.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        if user is not None and user.is_authenticated and is_decoy_session(request):
            user._khronika_compartment_ids = [decoy_compartment().pk]
            user._khronika_capability_limit = DECOY_CAPABILITIES
            if not _reachable_by_decoy(request.path_info):
                raise Http404
        return self.get_response(request)


def _reachable_by_decoy(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return True  # a 404 anyway
    return match.namespace in DECOY_NAMESPACES or match.view_name in DECOY_VIEWS
