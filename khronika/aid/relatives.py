"""A relative's status page: a separate access phrase that shows only the updates a coordinator shared.

Relatives and lawyers of a detained person often cannot learn for weeks where he is held; the
organisation can tell them, but not through the case itself (which names helpers, routes and sources).
So a coordinator gives a relative a phrase of their own, made and checked exactly like the intake receipt
phrase (``khronika.intake.receipts``: 7 words, about 90 bits, only an Argon2id lookup hash with a pepper
outside the database is stored), and writes the updates meant for that person's family. The page shows
those updates and nothing else.

Threats answered:
- A relative's phone is seized and the phrase found: the page holds only what the coordinator chose to
  write for the family; the coordinator revokes the phrase in one click, and it stops working at once.
- Someone tries phrases: a wrong phrase counts against the instance-wide throttle of receipt phrases
  (``khronika.intake.phrase_throttle``). The counter is shared with intake on purpose: one cap on the
  Argon2 work spent on wrong phrases, whichever page they are tried on.
- The visit is not recorded: no ledger entry, no cookie, no log (the time a relative looked is theirs).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from khronika.accounts.models import User
from khronika.aid.models import Case, RelativeAccess, SharedUpdate
from khronika.intake import phrase_throttle, receipts
from khronika.intake.services import Throttled
from khronika.ledger.services import record
from khronika.records.models import Person
from khronika.vault.fields import shred


@dataclass(frozen=True)
class Opened:
    """What a phrase opens: the person's updates, never the case."""

    access: RelativeAccess
    updates: list[SharedUpdate]


@transaction.atomic
def give_phrase(
    actor: User, case: Case, person: Person, label: str, language: str
) -> tuple[RelativeAccess, str]:
    """A new access for a relative; returns it and the phrase, to be shown once and never stored."""
    phrase = receipts.new_phrase(language)
    access = RelativeAccess(
        case=case,
        person=person,
        label=label,
        language=language,
        lookup_hash=receipts.derive(phrase).lookup_hash,
        created_by=actor,
    )
    access.save()
    record(actor, "create", access)
    return access, phrase


@transaction.atomic
def revoke(actor: User, access: RelativeAccess) -> None:
    """The phrase stops working at once and for good: its lookup hash is erased."""
    RelativeAccess.objects.filter(pk=access.pk).update(lookup_hash=None, revoked_at=timezone.now())
    record(actor, "revoke", access)


@transaction.atomic
def share(actor: User, case: Case, person: Person, text_ru: str, text_en: str = "") -> SharedUpdate:
    update = SharedUpdate(case=case, person=person, text_ru=text_ru, text_en=text_en, shared_by=actor)
    update.save()
    record(actor, "create", update)
    return update


@transaction.atomic
def withdraw(actor: User, update: SharedUpdate) -> None:
    """An update shared by mistake disappears from the page, crypto-shredded before its row is deleted."""
    record(actor, "delete", update)
    shred(update)
    update.delete()


def updates_for(case: Case, person: Person) -> QuerySet[SharedUpdate]:
    return SharedUpdate.objects.filter(case=case, person=person).order_by("-shared_at")


def open_with_phrase(phrase: str) -> Opened | None:
    """The updates a phrase opens, or None. Raises ``Throttled`` while too many wrong phrases are tried.

    The same order of checks as the intake receipt: a paused check costs nothing, a mistyped word costs
    no hash and no count, and only a well-formed phrase that matches nothing counts as a failure."""
    wait = phrase_throttle.wait_seconds()
    if wait:
        raise Throttled(wait)
    if not receipts.phrase_looks_valid(phrase):
        return None
    lookup = receipts.derive(phrase).lookup_hash
    access = (
        RelativeAccess.objects.filter(lookup_hash=lookup, revoked_at__isnull=True)
        .exclude(case__status=Case.Status.CLOSED)
        .select_related("case", "person")
        .first()
    )
    if access is None:
        phrase_throttle.record_failure()
        return None
    return Opened(access, list(updates_for(access.case, access.person)))
