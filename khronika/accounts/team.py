"""Managing staff accounts: roles, compartments, sessions, and revoking a detained colleague.

Every change is ledgered with opaque ids only. A compartment membership is written as the object type
``accounts.membership`` with the id ``<user id>:<compartment id>``, so the ledger shows who was given or
denied which compartment without a name in it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from khronika.accounts.models import Compartment, User
from khronika.accounts.roles import Role
from khronika.accounts.sessions import revoke_all_sessions
from khronika.ledger.services import Event, object_ref, record_events


def may_manage(manager: User, account: User) -> bool:
    """Only administrators may change administrators (a coordinator's hijacked account must not be able
    to lock the administrators out or make a sock puppet one: threat model 3)."""
    return account.role != Role.ADMIN or manager.role == Role.ADMIN


def _membership(action: str, account: User, compartment_id: int) -> Event:
    return Event(action, "accounts.membership", f"{account.pk}:{compartment_id}")


def _forget_cached_compartments(account: User) -> None:
    """``access.compartment_ids`` caches on the instance; the old list must not outlive a change."""
    account.__dict__.pop("_khronika_compartment_ids", None)


def change_account(
    manager: User, account: User, role: str, compartments: Iterable[Compartment], is_active: bool
) -> list[Event]:
    """Apply a new role, compartments and active flag; ledger each difference. Returns what changed."""
    wanted = {c.pk for c in compartments}
    with transaction.atomic():
        had = set(account.compartments.values_list("id", flat=True))
        events = []
        if role != account.role:
            events.append(Event("role_change", *object_ref(account)))
        if is_active != account.is_active:
            events.append(Event("activate" if is_active else "deactivate", *object_ref(account)))
        for cid in sorted(wanted - had):
            events.append(_membership("access_grant", account, cid))
        for cid in sorted(had - wanted):
            events.append(_membership("access_revoke", account, cid))
        account.role = role
        account.is_active = is_active
        account.save(update_fields=["role", "is_active"])
        account.compartments.set(wanted)
        _forget_cached_compartments(account)
        if not is_active:
            revoke_all_sessions(account)
        if events:
            record_events(manager, events)
    return events


def end_sessions(manager: User, account: User, keep: str | None = None) -> int:
    """End every session of ``account`` (but ``keep``, the manager's own when he ends his own others)."""
    with transaction.atomic():
        ended = revoke_all_sessions(account, keep=keep)
        record_events(manager, [Event("revoke_sessions", *object_ref(account))])
    return ended


def revoke_account(manager: User, account: User) -> int:
    """Revoke now: end all sessions, deactivate, remove every compartment. Returns the sessions ended.

    Threat model 2: a colleague was detained with his phone. Everything happens in one transaction, so
    the account is either fully cut off or, on an error, unchanged and the coordinator sees the error.
    """
    with transaction.atomic():
        compartments = sorted(account.compartments.values_list("id", flat=True))
        ended = revoke_all_sessions(account)
        account.is_active = False
        account.save(update_fields=["is_active"])
        account.compartments.clear()
        _forget_cached_compartments(account)
        events = [Event("revoke", *object_ref(account))]
        events += [_membership("access_revoke", account, cid) for cid in compartments]
        record_events(manager, events)
    return ended
