"""Receiving and handing out evidence files, with the custody record courts ask for.

Threat model 6 (tampering with evidence): the SHA-256 is taken from the bytes as they arrive, before
anything else touches them, and every hand-out is written to the custody record and the ledger.
"""

from __future__ import annotations

import hashlib
import mimetypes
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from khronika.ledger.services import record
from khronika.records.models import CustodyEntry, Evidence, Incident

HASH_CHUNK = 1024 * 1024


def sha256_of(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks(HASH_CHUNK):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def receive_evidence(incident: Incident, upload: UploadedFile, description: str, actor: Any) -> Evidence:
    """Store ``upload`` as evidence of ``incident``; nothing is kept if any step fails."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."))
    if size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)d MiB. Split it or ask an administrator to raise the limit.")
            % {"limit": settings.EVIDENCE_MAX_BYTES // 2**20}
        )
    name = upload.name or ""
    evidence = Evidence(
        incident=incident,
        original_name=name[-255:],
        description=description,
        # The browser's claim is kept only as a hint; the file is always served as a download.
        media_type=(mimetypes.guess_type(name)[0] or "application/octet-stream")[:100],
        size=size,
        sha256=sha256_of(upload),
    )
    try:
        with transaction.atomic():
            evidence.file.save(str(evidence.id), upload, save=False)
            evidence.save()
            CustodyEntry.objects.create(evidence=evidence, action=CustodyEntry.Action.RECEIVED, actor=actor)
            record(actor, "create", evidence)
    except BaseException:
        if evidence.file.name:  # the rows were rolled back; the stored bytes must go too
            evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


def hand_out(evidence: Evidence, actor: Any) -> None:
    """Write down that ``actor`` opened ``evidence`` (custody record and ledger)."""
    with transaction.atomic():
        CustodyEntry.objects.create(evidence=evidence, action=CustodyEntry.Action.VIEWED, actor=actor)
        record(actor, "download", evidence)
