"""Aid cases: the people helped, who works on them, what is done, and where a detained person is.

Threat models 1 and 3: everything a case worker writes in words (the summary, notes, outcomes, grounds,
the evacuation note, task titles) is encrypted per row by the vault; the clear columns are only what
dashboards must sort and count (dates, kinds, statuses, risk). Escape routes, safe houses and travel
plans are never structured data: one encrypted free-text note per case, shown to the case's evacuation
team and coordinators only (``khronika.aid.access``).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from khronika.accounts.models import Compartment
from khronika.records.models import Incident, Organisation, Person, Place, Term
from khronika.records.pseudonyms import UniqueCodeMixin, new_code
from khronika.vault.fields import SensitiveCharField, SensitiveTextField, VaultRecord


def new_case_reference() -> str:
    return new_code("C")


def today() -> date:
    return timezone.localdate()


class Case(UniqueCodeMixin, VaultRecord):
    """A person (or a group) in need, with the incidents behind it and a per-case access list."""

    class Risk(models.TextChoices):
        LOW = "low", _("low")
        MEDIUM = "medium", _("medium")
        HIGH = "high", _("high")
        CRITICAL = "critical", _("critical: life in danger")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ON_HOLD = "on_hold", _("on hold")
        CLOSED = "closed", _("closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=16, unique=True, default=new_case_reference)
    compartment = models.ForeignKey(Compartment, verbose_name=_("compartment"), on_delete=models.PROTECT)
    persons = models.ManyToManyField(Person, verbose_name=_("persons helped"), blank=True, related_name="+")
    incidents = models.ManyToManyField(
        Incident, verbose_name=_("linked incidents"), blank=True, related_name="aid_cases"
    )
    risk_level = models.CharField(_("risk level"), max_length=10, choices=Risk.choices, default=Risk.MEDIUM)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField(_("opened"), default=today)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    summary = SensitiveTextField(_("summary"), blank=True)
    # Routes, safe houses, travel plans: free text only, never fields a query could search or count.
    evacuation_note = SensitiveTextField(_("evacuation note"), blank=True)
    # Set when whereabouts stayed unknown too long and coordinators were alerted (khronika.aid.escalation).
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True, editable=False)
    submission = models.ForeignKey(
        "intake.Submission",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    code_field, code_prefix = "reference", "C"

    class Meta:
        ordering = ["-opened_on", "reference"]
        verbose_name = _("aid case")
        verbose_name_plural = _("aid cases")

    def __str__(self) -> str:
        return self.reference

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            self.ensure_unique_code()
        super().save(*args, **kwargs)

    def latest_verification(self) -> Verification | None:
        return self.verifications.order_by("-verified_at", "-id").first()

    @property
    def client_verified(self) -> bool:
        """Police pose as people in need to lure helpers: only a positive, recorded check counts."""
        latest = self.latest_verification()
        return latest is not None and latest.verified


class CaseMember(models.Model):
    """One person on a case's team: the case's access list (nobody else but coordinators sees it)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("lead")
        LAWYER = "lawyer", _("lawyer")
        PSYCHOLOGIST = "psychologist", _("psychologist")
        EVACUATION = "evacuation", _("evacuation")
        OTHER = "other", _("other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("role on the case"), max_length=14, choices=Role.choices)
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["added_at"]
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="aid_one_membership_per_user")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.user_id} {self.role}"


class Intervention(VaultRecord):
    """Something done for the case: legal, psychological, digital security, evacuation, shelter…"""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interventions")
    intervention_type = models.ForeignKey(
        Term,
        verbose_name=_("type"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"vocabulary__code": "intervention_type"},
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    involves_meeting = models.BooleanField(
        _("someone meets the person face to face"),
        default=False,
        help_text=_("Meetings need a verified client: police pose as people in need."),
    )
    start_on = models.DateField(_("start"), null=True, blank=True)
    end_on = models.DateField(_("end"), null=True, blank=True)
    provider_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("provided by (staff)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    provider_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("provided by (partner organisation)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = SensitiveTextField(_("notes"), blank=True)
    outcome = SensitiveTextField(_("outcome"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")

    def __str__(self) -> str:
        return f"{self.intervention_type} ({self.get_status_display()})"


class Verification(VaultRecord):
    """Whether and how the person was checked before anyone meets, shelters or moves them."""

    class Method(models.TextChoices):
        KNOWN_REFERRER = "known_referrer", _("a referrer we know")
        VIDEO_CALL = "video_call", _("video call")
        DOCUMENTS = "documents", _("documents")
        OTHER = "other", _("other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="verifications")
    verified = models.BooleanField(_("the client is who they say they are"))
    method = models.CharField(_("how"), max_length=16, choices=Method.choices)
    verified_at = models.DateTimeField(_("when"), default=timezone.now)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    note = SensitiveTextField(_("note"), blank=True)

    class Meta:
        ordering = ["-verified_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {'verified' if self.verified else 'not verified'}"


class Task(VaultRecord):
    """A deadline or a to-do on the case: hearings, appeal windows, follow-ups, replies due."""

    class Kind(models.TextChoices):
        HEARING = "hearing", _("hearing")
        APPEAL_WINDOW = "appeal_window", _("appeal window closes")
        FOLLOW_UP = "follow_up", _("follow-up")
        INQUIRY_REPLY = "inquiry_reply", _("reply to an inquiry due")
        OTHER = "other", _("other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    # A title may name a court or a person: sensitive like every other words on a case.
    title = SensitiveCharField(_("what to do"), max_length=300)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices, default=Kind.OTHER)
    due_on = models.DateField(_("due"))
    remind_days_before = models.PositiveSmallIntegerField(_("remind this many days before"), default=1)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Automatic follow-ups carry a key so that each is created once per case (khronika.aid.follow_ups).
    follow_up_key = models.CharField(max_length=40, blank=True, default="", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["done", "due_on", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "follow_up_key"],
                condition=~models.Q(follow_up_key=""),
                name="aid_follow_up_once_per_case",
            )
        ]
        indexes = [models.Index(fields=["done", "due_on"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.due_on}"

    @property
    def display_title(self) -> str:
        """Tasks the application wrote itself are stored in English and shown in the reader's language."""
        return gettext(str(self.title)) if self.follow_up_key else str(self.title)


class DetentionEvent(VaultRecord):
    """One step of a detained person's timeline: where, by whom, on what grounds, with or without a lawyer."""

    class Kind(models.TextChoices):
        DETAINED = "detained", _("detained")
        HELD_AT = "held_at", _("held at")
        TRANSFERRED = "transferred", _("transferred")
        HEARING = "hearing", _("hearing")
        LAWYER_ACCESS_GRANTED = "lawyer_granted", _("lawyer access granted")
        LAWYER_ACCESS_DENIED = "lawyer_denied", _("lawyer access denied")
        RELEASED = "released", _("released")
        DEPORTED = "deported", _("deported")
        WHEREABOUTS_UNKNOWN = "whereabouts_unknown", _("whereabouts unknown")

    # After these the person is no longer held by anyone we track.
    ENDING = frozenset({Kind.RELEASED, Kind.DEPORTED})

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="detention_events")
    # A person deleted for good takes their timeline along, shredded first (khronika.aid.deletion).
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    place = models.ForeignKey(
        Place, verbose_name=_("where"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authority = models.ForeignKey(
        Organisation,
        verbose_name=_("by whom"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    legal_article = models.ForeignKey(
        Term,
        verbose_name=_("grounds: legal article"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"vocabulary__code": "legal_article"},
    )
    grounds = SensitiveCharField(_("grounds in words"), max_length=500, blank=True)
    note = SensitiveTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["occurred_at", "created_at"]
        indexes = [models.Index(fields=["case", "person", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.occurred_at:%Y-%m-%d %H:%M}"


def _in_thirty_days() -> date:
    return today() + timedelta(days=INQUIRY_REPLY_DAYS)


# Federal Law 59-FZ on citizens' appeals (art. 12): an authority answers a written appeal within 30 days.
INQUIRY_REPLY_DAYS = 30


class Inquiry(VaultRecord):
    """A letter to an authority about a detained or missing person, and its reply.

    The authority's reply may name the place of detention, an investigator or the charges: encrypted.
    An unanswered inquiry past its due date becomes a task (``khronika.aid.inquiries``)."""

    class Addressee(models.TextChoices):
        POLICE = "police", _("police")
        PROSECUTOR = "prosecutor", _("prosecutor's office")
        INVESTIGATIVE_COMMITTEE = "investigative_committee", _("Investigative Committee")
        MIGRATION = "migration", _("migration service")
        OMBUDSMAN = "ombudsman", _("ombudsman")
        COURT = "court", _("court")
        DETENTION_CENTRE = "detention_centre", _("detention centre")
        CONSULATE = "consulate", _("consulate")

    class Channel(models.TextChoices):
        POST = "post", _("registered post")
        ONLINE = "online", _("online reception")
        EMAIL = "email", _("e-mail")
        IN_PERSON = "in_person", _("handed in person")
        FAX = "fax", _("fax")
        OTHER = "other", _("other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="inquiries")
    person = models.ForeignKey(
        Person, verbose_name=_("about whom"), on_delete=models.CASCADE, related_name="+"
    )
    addressee_kind = models.CharField(_("addressee"), max_length=24, choices=Addressee.choices)
    # Which office exactly ("prosecutor's office of the Chechen Republic"): may point to the person.
    addressee = SensitiveCharField(_("which office"), max_length=300, blank=True)
    sent_on = models.DateField(_("sent on"), default=today)
    channel = models.CharField(_("how it was sent"), max_length=10, choices=Channel.choices)
    reply_due_on = models.DateField(_("reply due by"), default=_in_thirty_days)
    reply = SensitiveTextField(_("reply"), blank=True)
    replied_on = models.DateField(_("reply received on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["sent_on", "created_at"]
        verbose_name = _("inquiry to an authority")
        verbose_name_plural = _("inquiries to authorities")
        indexes = [models.Index(fields=["replied_on", "reply_due_on"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.addressee_kind} {self.sent_on}"

    @property
    def overdue(self) -> bool:
        return self.replied_on is None and self.reply_due_on < today()


class RelativeAccess(VaultRecord):
    """A relative's access phrase to the status page of one person on a case.

    The phrase itself is never stored, only its Argon2id lookup hash (``khronika.intake.receipts``):
    a copy of the database cannot be used to read the page. Revoking clears the hash, so the phrase stops
    working at once and for good (a relative's phone was seized, say)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="relative_accesses")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    # "mother", "partner": words that may identify the family, so encrypted like every note.
    label = SensitiveCharField(_("who holds it"), max_length=200, blank=True)
    language = models.CharField(_("language of the phrase"), max_length=2, default="ru")
    lookup_hash = models.BinaryField(max_length=32, null=True, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.person_id}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class SharedUpdate(VaultRecord):
    """One update a coordinator chose to share with a person's relatives ("a lawyer saw him today").

    Only these rows ever reach the status page: nothing of the case itself is shown there."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shared_updates")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    text_ru = SensitiveTextField(_("update in Russian"))
    text_en = SensitiveTextField(_("update in English"), blank=True)
    shared_at = models.DateTimeField(default=timezone.now, editable=False)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-shared_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.person_id} {self.shared_at:%Y-%m-%d}"

    def text(self, language: str) -> str:
        """The update in ``language``; the Russian text when there is no English one."""
        english = str(self.text_en or "")
        return english if language == "en" and english else str(self.text_ru)
