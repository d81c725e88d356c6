"""The four-eyes rule for clear-text exports: request, approve (another coordinator), use once.

Every step is written to the ledger with opaque ids only. The checks live here, not in the views or
the command, so that the web pages and ``khronika export --plaintext --approval ID`` apply one rule.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khronika.ledger.services import record
from khronika.records.models import PlaintextExportApproval


class ApprovalRefused(Exception):
    """The approval cannot be given or used; the message says why in plain words."""


def request_plaintext_export(user: Any, reason: str = "") -> PlaintextExportApproval:
    with transaction.atomic():
        approval = PlaintextExportApproval.objects.create(requested_by=user, reason=reason[:300])
        record(user, "request_plaintext_export", approval)
    return approval


def check_second_approver(requested_by_id: Any, user: Any, *, already_approved: bool) -> None:
    """The four-eyes rule shared by every approval (clear-text exports here, publications in
    ``khronika.publishing``): the person who asked can never approve, and an approval is given once."""
    if requested_by_id == user.pk:
        raise ApprovalRefused(_("You asked for this export: another coordinator has to approve it."))
    if already_approved:
        raise ApprovalRefused(_("This request is already approved."))


def approve(approval_id: uuid.UUID, user: Any) -> PlaintextExportApproval:
    """A second coordinator approves. The requester can never approve their own request (threat: one
    person, or one stolen account, producing a clear-text copy of everything alone)."""
    with transaction.atomic():
        approval = PlaintextExportApproval.objects.select_for_update().get(pk=approval_id)
        check_second_approver(approval.requested_by_id, user, already_approved=approval.is_approved)
        if approval.is_expired:
            raise ApprovalRefused(_("This request has expired. Ask for a new one."))
        approval.approved_by = user
        approval.approved_at = timezone.now()
        approval.save(update_fields=["approved_by", "approved_at"])
        record(user, "approve_plaintext_export", approval)
    return approval


def use_approval(approval_id: str) -> PlaintextExportApproval:
    """Check that ``approval_id`` is approved by a second coordinator, unused and recent, and mark it
    used, in one transaction (two exports racing for one approval: only one wins)."""
    try:
        key = uuid.UUID(approval_id)
    except ValueError:
        raise ApprovalRefused("There is no approval with this id. Copy it from the approval page.") from None
    with transaction.atomic():
        approval = PlaintextExportApproval.objects.select_for_update().filter(pk=key).first()
        if approval is None:
            raise ApprovalRefused("There is no approval with this id. Copy it from the approval page.")
        if not approval.is_approved or approval.approved_by_id == approval.requested_by_id:
            raise ApprovalRefused("This plain-text export has not been approved by a second coordinator yet.")
        if approval.is_used:
            raise ApprovalRefused("This approval was already used. Ask for a new one.")
        if approval.is_expired:
            raise ApprovalRefused("This approval has expired. Ask for a new one.")
        approval.used_at = timezone.now()
        approval.save(update_fields=["used_at"])
        record(None, "use_plaintext_export_approval", approval)
    return approval
