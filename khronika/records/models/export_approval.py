"""A request for a clear-text export, and a second coordinator's approval of it (four eyes).

Threat model 1 and 3: a clear-text export is the whole database readable by anyone who gets the file.
One coordinator, or one stolen coordinator account, must not be able to produce one alone: the request
and the approval come from two different accounts, the approval is used once and expires, and every
step is in the ledger. The id is a random UUID so that it cannot be guessed from the command line.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khronika.vault.fields import SensitiveTextField, VaultRecord

# An approval is meant for an export run now, not a standing permission.
APPROVAL_VALID_FOR = timedelta(hours=24)


class PlaintextExportApproval(VaultRecord):
    """One clear-text export, requested by one coordinator and approved by another, used once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    # Encrypted like any narrative: a coordinator may well name a case or a person in it.
    reason = SensitiveTextField(_("reason"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("plain-text export approval")
        verbose_name_plural = _("plain-text export approvals")

    def __str__(self) -> str:
        return str(self.id)

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def is_used(self) -> bool:
        return self.used_at is not None

    @property
    def is_expired(self) -> bool:
        return timezone.now() - self.requested_at > APPROVAL_VALID_FOR
