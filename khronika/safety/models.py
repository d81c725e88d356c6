"""The community safety registry: entries (what is warned about), reports of them, moderation decisions,
lookup keys and hashes imported from partners.

What is stored, and why so little (threats: a seized server, planted reports, the police reading
public pages):
- handles, phone numbers, addresses, narratives, evidence references and moderators' notes are vault
  fields, encrypted per row;
- an entry is found again by a blind index (HMAC with the vault's secret blind-index key), never by
  its lookup hash: the lookup hash is public and slow but enumerable, so an entry that is not confirmed
  has none stored at all (``hash_prefix``/``hash_suffix`` are set at confirmation and cleared at
  retraction or lapse);
- a report keeps only an HMAC of where it came from (to tell independent reports apart) and the day it
  arrived, not the time: nothing links it back to an anonymous submission or a person;
- nothing describes an account's owner: a hijacked account's owner is often himself a detainee.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from khronika.records.models import Place
from khronika.vault.fields import SensitiveCharField, SensitiveTextField, VaultRecord


class Kind(models.TextChoices):
    ACCOUNT = "account", _("Account on a dating site or messenger")
    PHONE = "phone", _("Phone number")
    PLACE = "place", _("Place")
    PATTERN = "pattern", _("Pattern")


IDENTIFIER_KINDS = (Kind.ACCOUNT, Kind.PHONE)


class State(models.TextChoices):
    UNVERIFIED = "unverified", _("Unverified")
    CONFIRMED = "confirmed", _("Confirmed")
    RETRACTED = "retracted", _("Retracted")
    EXPIRED = "expired", _("Expired")


class Entry(VaultRecord):
    """One account, number, place or pattern that people have been warned (or asked to be) about."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    platform = models.CharField(_("platform"), max_length=20, blank=True)
    identifier = SensitiveCharField(_("handle or number"), max_length=64, blank=True)
    # HMAC (vault blind-index key) of kind, platform and identifier: finds the entry for a new report.
    dedup_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    town = models.ForeignKey(
        Place, verbose_name=_("town"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = SensitiveCharField(_("address or venue"), max_length=300, blank=True)
    # The words published for a place or pattern, chosen by the coordinator who confirms it.
    summary = SensitiveTextField(_("public wording"), blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.UNVERIFIED)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_until = models.DateTimeField(null=True, blank=True)
    hash_prefix = models.IntegerField(null=True, blank=True, editable=False)
    hash_suffix = models.CharField(max_length=59, blank=True, editable=False)
    created_on = models.DateField(auto_now_add=True)

    class Meta:
        verbose_name = _("safety entry")
        verbose_name_plural = _("safety entries")
        indexes = [models.Index(fields=["hash_prefix", "confirmed_until"], name="safety_entry_lookup")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {str(self.id)[:8]}"


class Channel(models.TextChoices):
    STAFF = "staff", _("Staff")
    INTAKE = "intake", _("Anonymous report")
    FOLLOW_UP = "follow-up", _("Aid case follow-up")


class Report(VaultRecord):
    """One report of an entry. Two reports with different ``origin`` are independent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="reports")
    channel = models.CharField(_("came from"), max_length=10, choices=Channel.choices)
    # HMAC of where the report came from (a staff account, an aid case, an anonymous submission): equal
    # origins are one source reporting twice; the HMAC cannot be turned back into the source.
    origin = models.CharField(max_length=64, editable=False)
    evidence = SensitiveCharField(_("evidence"), max_length=500, blank=True)
    narrative = SensitiveTextField(_("what happened"), blank=True)
    received_on = models.DateField(auto_now_add=True)
    # Set when the entry is retracted: old reports do not count towards a new confirmation.
    superseded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("safety report")
        verbose_name_plural = _("safety reports")


class Action(models.TextChoices):
    CONFIRM = "confirm", _("Confirmed")
    RETRACT = "retract", _("Retracted")
    RENEW = "renew", _("Renewed")
    EXPIRE = "expire", _("Lapsed")


class Reason(models.TextChoices):
    TWO_REPORTS = "two-reports", _("Two independent reports")
    EVIDENCE = "evidence", _("Evidence judged sufficient")
    FALSE_REPORT = "false-report", _("The reports were false or planted")
    RECOVERED = "recovered", _("The account or number is back with its owner")
    MISTAKE = "mistake", _("Entered by mistake")
    STILL_ACTIVE = "still-active", _("Still in use to lure people")
    LAPSED = "lapsed", _("Not renewed in time")


class Decision(VaultRecord):
    """Who confirmed, retracted or renewed an entry, and why (the reason code also goes to the ledger)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = SensitiveTextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]


class LookupKey(models.Model):
    """A published lookup key: this instance's own (``own``), or one a partner's signed feed uses."""

    key_id = models.CharField(max_length=16, unique=True)
    key = models.CharField(max_length=64)  # hex; public by design
    iterations = models.PositiveIntegerField()
    own = models.BooleanField(default=False)
    # The partner's Ed25519 feed-signing key (hex): a later feed replaces the hashes of an earlier one.
    signer = models.CharField(max_length=64, blank=True, db_index=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.key_id


class ImportedHash(models.Model):
    """A confirmed entry of a partner, as its keyed hash only; gone when the partner's next feed omits it."""

    lookup_key = models.ForeignKey(LookupKey, on_delete=models.CASCADE, related_name="hashes")
    hash_prefix = models.IntegerField()
    hash_suffix = models.CharField(max_length=59)
    valid_until = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["lookup_key", "hash_prefix"], name="safety_imported_lookup")]

    def __str__(self) -> str:
        return f"{self.lookup_key_id}:{self.hash_prefix:05x}"


class ReportCounter(models.Model):
    """Reports received per minute across all sources: a flood is slowed without knowing its source."""

    name = models.CharField(max_length=20, unique=True)
    window_started_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.name
