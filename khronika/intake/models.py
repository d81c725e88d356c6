"""Anonymous submissions, their conversation with staff, and their files: ciphertext only.

Threat model 1 and 4: a seized server must yield nothing a source wrote or sent, and nothing that
identifies them. Every column that holds what the source said is encrypted with the submission's own
key (``khronika.intake.sealing``); the only clear columns are what the inbox must sort and count while
sealed: the hour of arrival (never the minute, so it cannot be matched to a connection log), the
language of the form, the urgent flag and the triage status. No IP address, user agent or other
request data exists anywhere in these tables.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """One anonymous report, as the source sent it, and who may open it.

    ``key_for_org`` is the submission key sealed to the organisation's public key (staff open it after
    an unseal); ``key_for_source`` is the same key encrypted with the key derived from the receipt
    phrase (the source opens it). Emptying both is crypto-shredding: nothing of the submission can be
    decrypted afterwards, whatever copies of the database exist.
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_PROGRESS = "in_progress", _("In progress")
        CONVERTED = "converted", _("Recorded as an incident")
        SPAM = "spam", _("Spam")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    received_hour = models.DateTimeField(_("received (hour)"), db_index=True)
    language = models.CharField(_("language of the form"), max_length=8)
    urgent = models.BooleanField(_("marked urgent by the source"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    key_for_org = models.BinaryField()
    key_for_source = models.BinaryField(null=True)
    phrase_hash = models.BinaryField(null=True, unique=True)
    answers = models.BinaryField()
    waiting_for_staff = models.BooleanField(default=True)
    converted_incident = models.ForeignKey(
        "records.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-urgent", "-received_hour"]
        verbose_name = _("anonymous submission")
        verbose_name_plural = _("anonymous submissions")

    def __str__(self) -> str:
        # Never anything the source wrote: this string may reach logs and the admin.
        return f"{self.received_hour:%Y-%m-%d %H}:00 {self.get_status_display()}"


class Message(models.Model):
    """One message of the conversation, from the source or from staff, encrypted with the submission key."""

    class Sender(models.TextChoices):
        SOURCE = "source", _("Source")
        STAFF = "staff", _("Staff")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=8, choices=Sender.choices)
    # Staff accountability lives in the ledger; the row keeps who replied so colleagues can see it.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_hour = models.DateTimeField()
    sequence = models.PositiveIntegerField()
    body = models.BinaryField()

    class Meta:
        ordering = ["sequence"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "sequence"], name="intake_message_sequence"),
        ]

    def __str__(self) -> str:
        return f"{self.get_sender_display()} #{self.sequence}"


class Attachment(models.Model):
    """A file the source sent: its metadata-stripped copy, or (only if they chose so) the original.

    The content lies in the intake file store as ciphertext; ``details`` (name, type, size, SHA-256 on
    arrival, what was removed) is encrypted too. A kept original is encrypted with a key of its own
    sealed to the organisation only: the receipt phrase cannot open it, and only coordinators may.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, null=True, on_delete=models.CASCADE, related_name="attachments")
    is_original = models.BooleanField(default=False)
    original_of = models.OneToOneField(
        "self", null=True, on_delete=models.CASCADE, related_name="kept_original"
    )
    key_for_org = models.BinaryField(null=True)
    details = models.BinaryField()
    stored_name = models.CharField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"file {self.id}"
