"""Reporting, moderating and looking up warnings. Views, commands and other apps call these only.

The moderation rules, and the threat each answers (docs/safety-registry.md):
- **one report never confirms**: false reports will be planted, to discredit the registry or to brand
  an innocent account. A coordinator confirms, either citing two independent reports (different
  origins: two staff members, two aid cases, two anonymous reports) or judging a report's evidence;
  :func:`confirm` refuses a reason that the reports do not support;
- **a confirmation lapses** after ``SAFETY_CONFIRMATION_DAYS`` unless renewed: a hijacked account is
  often recovered by its owner, who should not stay branded. Lookups compare ``confirmed_until`` with
  the clock, so a lapse takes effect at once even before :func:`expire_lapsed` records it;
- **retraction takes effect at once**: the lookup hash is deleted from the entry, and lookups and
  feeds are built from the database on every request;
- every confirm, retract, renew and lapse is a :class:`Decision` (with the moderator's note, encrypted)
  and a ledger entry ``<action>:<reason>`` naming the entry by its opaque id.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string, salted_hmac
from django.utils.translation import gettext as _

from khronika.ledger.services import Event, object_ref, record, record_events
from khronika.records.models import Place
from khronika.safety import lookup
from khronika.safety.models import (
    IDENTIFIER_KINDS,
    Action,
    Channel,
    Decision,
    Entry,
    ImportedHash,
    Kind,
    LookupKey,
    Reason,
    Report,
    ReportCounter,
    State,
)
from khronika.safety.normalize import NotNormalizable, lookup_identifier, normalize_handle, normalize_phone
from khronika.vault import state as vault_state
from khronika.vault.crypto import blind_index

CONFIRM_REASONS = (Reason.TWO_REPORTS, Reason.EVIDENCE)
RETRACT_REASONS = (Reason.FALSE_REPORT, Reason.RECOVERED, Reason.MISTAKE)
RENEW_REASONS = (Reason.STILL_ACTIVE, Reason.TWO_REPORTS, Reason.EVIDENCE)
_COUNTER = "reports"


class Refused(Exception):
    """The registry cannot do what was asked; ``str(error)`` says why in plain words."""


@dataclass(frozen=True)
class Subject:
    """What a report is about, as typed. ``summary`` is the reporter's description of a pattern."""

    kind: str
    platform: str = ""
    identifier: str = ""
    town: Place | None = None
    address: str = ""
    summary: str = ""


# --- reporting -------------------------------------------------------------------------------------


def normalized_identifier(subject: Subject) -> str:
    """The handle or number in its one spelling, "" for places and patterns. Raises NotNormalizable."""
    if subject.kind == Kind.PHONE:
        return normalize_phone(subject.identifier)
    if subject.kind == Kind.ACCOUNT:
        return normalize_handle(subject.platform, subject.identifier)
    if subject.kind not in (Kind.PLACE, Kind.PATTERN):
        raise NotNormalizable(_("Choose what you are reporting: an account, a number, a place or a pattern."))
    return ""


def report(
    subject: Subject,
    *,
    channel: Channel,
    origin: str,
    actor: Any,
    evidence: str = "",
    narrative: str = "",
    now: datetime | None = None,
) -> Report:
    """File one report, joining the existing entry of the same account, number or address.

    ``origin`` names where the report came from ("staff:<id>", "case:<id>", "intake:<id>"); only its
    HMAC is kept. Raises :class:`NotNormalizable` for bad input and :class:`Refused` when too many
    reports arrive at once (a flood, counted across all sources without knowing who sends them).
    """
    normalized = normalized_identifier(subject)
    if subject.kind == Kind.PLACE and subject.town is None:
        raise NotNormalizable(_("Choose the town the place is in."))
    if subject.kind == Kind.PLACE and not subject.address.strip():
        raise NotNormalizable(_("Write the name of the venue or its address."))
    if subject.kind == Kind.PATTERN and not subject.summary.strip():
        raise NotNormalizable(_("Describe the pattern: how were people lured?"))
    with transaction.atomic():
        _count_report(now or timezone.now())
        entry, created = _entry_for(subject, normalized)
        new = Report(
            entry=entry,
            channel=channel,
            origin=salted_hmac("khronika.safety.origin", origin, algorithm="sha256").hexdigest(),
            evidence=evidence.strip(),
            narrative=narrative.strip(),
        )
        new.save()
        events = [Event("create", *object_ref(entry))] if created else []
        record_events(actor, [*events, Event("create", *object_ref(new))])
    return new


def report_from_followup(
    case: Any, subject: Subject, actor: Any, evidence: str = "", narrative: str = ""
) -> Report:
    """A report made from an aid case's "report the account" follow-up: one origin per case."""
    return report(
        subject,
        channel=Channel.FOLLOW_UP,
        origin=f"case:{case.pk}",
        actor=actor,
        evidence=evidence,
        narrative=narrative,
    )


def report_from_intake(submission_id: Any, subject: Subject, actor: Any, narrative: str = "") -> Report:
    """A report taken from an anonymous submission: one origin per submission, whoever records it."""
    return report(
        subject, channel=Channel.INTAKE, origin=f"intake:{submission_id}", actor=actor, narrative=narrative
    )


def _dedup_index(subject: Subject, normalized: str) -> str:
    if subject.kind in IDENTIFIER_KINDS:
        platform = subject.platform.strip().casefold() if subject.kind == Kind.ACCOUNT else ""
        value = f"{subject.kind}:{platform}:{normalized}"
    elif subject.kind == Kind.PLACE:
        assert subject.town is not None
        value = f"place:{subject.town.code}:{' '.join(subject.address.casefold().split())}"
    else:
        return ""  # every pattern report is its own entry until a moderator decides otherwise
    return blind_index(vault_state.keys().blind_index_key, "safety-entry", value)


def reindex_entries(batch_size: int) -> int:
    """Recompute every entry's ``dedup_index`` after a blind-index key rotation (``vault.rotation``):
    without it a new report of a known number would open a second entry instead of joining the first."""
    from khronika.vault.rotation import batches

    written = 0
    for batch in batches(Entry._base_manager.select_related("town"), batch_size):
        for entry in batch:
            subject = Subject(entry.kind, entry.platform, entry.identifier, entry.town, entry.address)
            entry.dedup_index = _dedup_index(subject, entry.identifier)
        written += Entry._base_manager.bulk_update(batch, ["dedup_index"])
    return written


def _entry_for(subject: Subject, normalized: str) -> tuple[Entry, bool]:
    index = _dedup_index(subject, normalized)
    if index:
        existing = Entry.objects.select_for_update().filter(dedup_index=index).first()
        if existing is not None:
            if existing.state in (State.RETRACTED, State.EXPIRED):
                # Reported again after a retraction or lapse: back to the queue, counted afresh.
                existing.state = State.UNVERIFIED
                existing.save()
            return existing, False
    entry = Entry(
        kind=subject.kind,
        platform=subject.platform.strip().casefold() if subject.kind == Kind.ACCOUNT else "",
        identifier=normalized,
        dedup_index=index,
        town=subject.town,
        address=subject.address.strip(),
        summary="",  # public wording is the moderator's, never the reporter's
    )
    entry.save()
    return entry, True


def _count_report(now: datetime) -> None:
    """Refuse when more than SAFETY_MAX_REPORTS_PER_MINUTE reports arrived this minute, from anyone."""
    ReportCounter.objects.get_or_create(name=_COUNTER, defaults={"window_started_at": now})
    counter = ReportCounter.objects.select_for_update().get(name=_COUNTER)
    if now - counter.window_started_at >= timedelta(minutes=1):
        counter.window_started_at, counter.count = now, 0
    if counter.count >= settings.SAFETY_MAX_REPORTS_PER_MINUTE:
        raise Refused(_("Too many reports are arriving right now. Please try again in a few minutes."))
    counter.count += 1
    counter.save()


# --- moderation ------------------------------------------------------------------------------------


def independent_reports(entry: Entry) -> int:
    """How many different origins reported ``entry`` since it was last retracted."""
    return entry.reports.filter(superseded=False).values("origin").distinct().count()


def has_evidence(entry: Entry) -> bool:
    return any(r.evidence for r in entry.reports.filter(superseded=False))


def confirm(entry: Entry, actor: Any, reason: str, note: str = "", summary: str = "") -> Entry:
    """Confirm ``entry``: it is published (places, patterns) or found by lookups (accounts, numbers).

    Raises :class:`Refused` when the reason is not supported by the reports (one report never confirms)
    or a place or pattern has no public wording.
    """
    if entry.state == State.CONFIRMED and not _lapsed(entry):
        raise Refused(_("This warning is confirmed already; renew it instead."))
    _check_grounds(entry, reason, CONFIRM_REASONS)
    if entry.kind in (Kind.PLACE, Kind.PATTERN):
        if not summary.strip():
            raise Refused(_("Write the words the public page will show. Never name or describe a person."))
        entry.summary = summary.strip()
    now = timezone.now()
    entry.confirmed_at = now
    _publish(entry, now)
    return _decide(entry, actor, Action.CONFIRM, reason, note)


def renew(entry: Entry, actor: Any, reason: str, note: str = "") -> Entry:
    """Extend a confirmed warning by another SAFETY_CONFIRMATION_DAYS from today."""
    if entry.state != State.CONFIRMED:
        raise Refused(_("Only a confirmed warning can be renewed."))
    if reason not in RENEW_REASONS:
        raise Refused(_("Choose why the warning still holds."))
    if reason != Reason.STILL_ACTIVE:
        _check_grounds(entry, reason, RENEW_REASONS)
    _publish(entry, timezone.now())
    return _decide(entry, actor, Action.RENEW, reason, note)


def retract(entry: Entry, actor: Any, reason: str, note: str = "") -> Entry:
    """Withdraw a warning at once: out of lookups, public pages and the next feed; its reports no longer
    count towards a new confirmation."""
    if reason not in RETRACT_REASONS:
        raise Refused(_("Choose why the warning is withdrawn."))
    if entry.state == State.RETRACTED:
        raise Refused(_("This warning is withdrawn already."))
    _unpublish(entry, State.RETRACTED)
    entry.reports.update(superseded=True)
    return _decide(entry, actor, Action.RETRACT, reason, note)


def expire_lapsed(now: datetime | None = None) -> int:
    """Record every confirmation past its date as lapsed (``khronika safety expire``, daily).

    Plain columns only, written with ``update()``: this runs on a sealed instance too, where saving a
    loaded entry would need its encrypted fields.
    """
    now = now or timezone.now()
    lapsed = list(
        Entry.objects.filter(state=State.CONFIRMED, confirmed_until__lte=now).values_list("id", flat=True)
    )
    with transaction.atomic():
        Entry.objects.filter(id__in=lapsed).update(
            state=State.EXPIRED, confirmed_until=None, hash_prefix=None, hash_suffix=""
        )
        Decision.objects.bulk_create(
            [Decision(entry_id=entry_id, action=Action.EXPIRE, reason=Reason.LAPSED) for entry_id in lapsed]
        )
        record_events(
            None, [Event(f"{Action.EXPIRE}:{Reason.LAPSED}", "safety.entry", str(i)) for i in lapsed]
        )
    return len(lapsed)


def _lapsed(entry: Entry) -> bool:
    return entry.confirmed_until is not None and entry.confirmed_until <= timezone.now()


def _check_grounds(entry: Entry, reason: str, allowed: tuple[Reason, ...]) -> None:
    if reason not in allowed:
        raise Refused(_("Choose why the warning holds: two independent reports, or evidence."))
    if reason == Reason.TWO_REPORTS and independent_reports(entry) < 2:
        raise Refused(
            _(
                "There are not two independent reports yet: one source can be wrong or planted. "
                "Wait for another report, or judge the evidence."
            )
        )
    if reason == Reason.EVIDENCE and not has_evidence(entry):
        raise Refused(_("No report of this entry names any evidence to judge."))


def _publish(entry: Entry, now: datetime) -> None:
    entry.state = State.CONFIRMED
    entry.confirmed_until = now + timedelta(days=settings.SAFETY_CONFIRMATION_DAYS)
    if entry.kind in IDENTIFIER_KINDS:
        key = own_key()
        identifier = lookup_identifier(entry.kind, entry.identifier, entry.platform)
        entry.hash_prefix, entry.hash_suffix = lookup.split(
            lookup.lookup_hash(identifier, bytes.fromhex(key.key), key.iterations)
        )


def _unpublish(entry: Entry, new_state: State) -> None:
    entry.state = new_state
    entry.confirmed_until = None
    entry.hash_prefix, entry.hash_suffix = None, ""


def _decide(entry: Entry, actor: Any, action: Action, reason: str, note: str) -> Entry:
    with transaction.atomic():
        entry.save()
        Decision(entry=entry, action=action, reason=reason, note=note.strip(), by=_user_or_none(actor)).save()
        record(actor, f"{action}:{reason}", entry)
    return entry


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- lookup ----------------------------------------------------------------------------------------


def own_key() -> LookupKey:
    """This instance's published lookup key, made on first use with SAFETY_LOOKUP_ITERATIONS."""
    key = LookupKey.objects.filter(own=True).first()
    if key is None:
        raw = get_random_string(64, "0123456789abcdef")
        key = LookupKey.objects.create(
            key_id=raw[:16], key=raw, iterations=settings.SAFETY_LOOKUP_ITERATIONS, own=True
        )
    return key


def lookup_keys() -> list[LookupKey]:
    """Every key a lookup must hash under: ours first, then each partner's whose feed we imported."""
    own_key()
    return list(LookupKey.objects.order_by("-own", "id"))


def answer(key_id: str, prefix: int) -> bytes | None:
    """The padded answer for one bucket of one key, or None for a key we do not have."""
    key = _key_by_id(key_id)
    if key is None:
        return None
    return lookup.padded_answer(prefix, _real_suffixes(key, prefix), decoy_secret(), key_id)


# key_id -> primary key of this instance's own key, the one nearly every lookup names: it is made once
# and never replaced, so this per-process cache cannot go stale, and it saves a query on every bucket
# answer (benchmarks/registry_lookup.py). Partners' keys are looked up each time.
_OWN_KEYS: dict[str, int] = {}


def _key_by_id(key_id: str) -> LookupKey | None:
    if key_id in _OWN_KEYS:
        return LookupKey(id=_OWN_KEYS[key_id], key_id=key_id, own=True)
    found = LookupKey.objects.filter(key_id=key_id).values_list("id", "own").first()
    if found is None:
        return None
    pk, own = found
    if own:
        _OWN_KEYS[key_id] = pk
    return LookupKey(id=pk, key_id=key_id, own=own)


# Each server-side check costs the server the slow hash once per key (about half a second at a million
# iterations): a flood of them must not take the web server down. Counted in this process's memory, so
# that a check writes nothing anywhere.
SERVER_CHECKS_PER_MINUTE = 30
_checks = {"window": 0.0, "count": 0}
_checks_lock = threading.Lock()


def check_on_server(subject: Subject) -> bool:
    """The no-JavaScript lookup: the server sees the identifier, hashes it and answers. Nothing about
    the query is stored or logged (the caller must not log it either). Raises NotNormalizable, or
    Refused when too many checks arrive at once."""
    normalized = normalized_identifier(subject)
    with _checks_lock:
        now = time.monotonic()
        if now - _checks["window"] >= 60:
            _checks["window"], _checks["count"] = now, 0
        if _checks["count"] >= SERVER_CHECKS_PER_MINUTE:
            raise Refused(_("Too many checks are arriving right now. Please try again in a minute."))
        _checks["count"] += 1
    if subject.kind not in IDENTIFIER_KINDS:
        return False
    identifier = lookup_identifier(subject.kind, normalized, subject.platform.strip().casefold())
    for key in lookup_keys():
        prefix, suffix = lookup.split(lookup.lookup_hash(identifier, bytes.fromhex(key.key), key.iterations))
        if suffix in _real_suffixes(key, prefix):
            return True
    return False


def _real_suffixes(key: LookupKey, prefix: int) -> list[str]:
    """The suffixes of confirmed, unlapsed entries in one bucket (ours, or a partner's imported).

    Plain SQL over the (hash_prefix, ...) indexes: the ORM's query building costs more than the query,
    and this runs on every lookup.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        if key.own:
            cursor.execute(_OWN_BUCKET, [prefix, now, State.CONFIRMED.value])
        else:
            cursor.execute(_IMPORTED_BUCKET, [key.pk, prefix, now])
        return [row[0] for row in cursor.fetchall()]


_OWN_BUCKET = (
    f"SELECT hash_suffix FROM {Entry._meta.db_table} "  # noqa: S608  # table names from the models
    "WHERE hash_prefix = %s AND confirmed_until > %s AND state = %s"
)
_IMPORTED_BUCKET = (
    f"SELECT hash_suffix FROM {ImportedHash._meta.db_table} "  # noqa: S608  # table names from the models
    "WHERE lookup_key_id = %s AND hash_prefix = %s AND valid_until > %s"
)


def decoy_secret() -> bytes:
    return salted_hmac("khronika.safety.decoys", "decoys", algorithm="sha256").digest()


# --- public pages ----------------------------------------------------------------------------------


def public_warnings(now: datetime | None = None) -> list[Entry]:
    """Confirmed places and patterns, never accounts or numbers, for the public pages."""
    now = now or timezone.now()
    return list(
        Entry.objects.filter(
            kind__in=(Kind.PLACE, Kind.PATTERN), state=State.CONFIRMED, confirmed_until__gt=now
        ).select_related("town", "town__parent")
    )
