"""Evidence files, hashed on arrival, with their chain of custody."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khronika.records.models.incidents import Incident
from khronika.vault.fields import SensitiveCharField, SensitiveTextField, VaultRecord


def evidence_path(instance: Evidence, filename: str) -> str:
    # The stored name is the opaque id: the original file name may name a person.
    return f"evidence/{instance.id}"


class Evidence(VaultRecord):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path)
    original_name = SensitiveCharField(_("original file name"), max_length=255, blank=True)
    description = SensitiveTextField(_("description"), blank=True)
    media_type = models.CharField(_("media type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    # Taken on arrival, before anything else touches the bytes (threat model 6).
    sha256 = models.CharField(_("SHA-256 on arrival"), max_length=64, editable=False)
    received_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)

    # The file itself is sensitive; the vault encrypts it in storage.
    sensitive_file = True

    class Meta:
        ordering = ["received_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.sha256[:12]}"


class CustodyEntry(models.Model):
    """Who received, viewed or exported a file, and when: the custody chain for courts."""

    class Action(models.TextChoices):
        RECEIVED = "received", _("received")
        VIEWED = "viewed", _("viewed")
        EXPORTED = "exported", _("exported")

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="custody")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["at"]
        verbose_name = _("custody entry")
        verbose_name_plural = _("custody entries")

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"
