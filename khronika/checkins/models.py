"""A safety check-in: a deadline, trusted contacts and a message, and the two codes that close it.

Threat model 1 (a seized disk): the contacts and the message are encrypted under a data key of their
own, wrapped by the *alerts key* (``alerts_key.py``), not by the vault, because the worker must be able
to send an alert while the instance is sealed. The codes are never stored, only their keyed hashes.
Seven days after a check-in closes its data key and ciphertexts are deleted (``shredding.py``).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CheckIn(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("waiting for the person")
        CANCELLED = "cancelled", _("cancelled by the person")
        MISSED = "missed", _("deadline missed: contacts alerted")
        DURESS = "duress", _("duress code used: contacts alerted")

    # The id is also the associated data of every ciphertext below, so a ciphertext copied to another
    # check-in fails to open.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    language = models.CharField(max_length=2, default="en")
    deadline = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    # HMAC-SHA256 of each normalized code under a key derived from the alerts key (hex); both codes
    # look alike and are looked up by one query, so the duress code costs exactly what a cancel does.
    cancel_lookup = models.CharField(max_length=64, unique=True, null=True)
    duress_lookup = models.CharField(max_length=64, unique=True, null=True)
    wrapped_key = models.BinaryField(null=True)
    contacts = models.BinaryField(null=True)
    message = models.BinaryField(null=True)
    contact_count = models.PositiveSmallIntegerField(default=0)
    # Positions (in the contact list) that accepted the alert, or refused it for good: a retry of the
    # alert job sends only to the others.
    delivered = models.JSONField(default=list)
    refused = models.JSONField(default=list)
    shredded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["closed_at"], name="checkins_closed_at")]

    def __str__(self) -> str:
        return f"check-in {self.pk} ({self.state})"

    @property
    def alerted(self) -> bool:
        return self.state in {self.State.MISSED, self.State.DURESS}


class MailHealth(models.Model):
    """Did the last attempt to reach the mail server succeed? One row, written by the worker.

    The person's page reads it: an alert that may not leave must be said out loud before the meeting,
    not discovered after it.
    """

    checked_at = models.DateTimeField()
    ok = models.BooleanField()

    def __str__(self) -> str:
        return f"mail {'ok' if self.ok else 'failing'} at {self.checked_at:%Y-%m-%d %H:%M}"
