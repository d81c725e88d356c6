"""What happens to a submission: arrival, the source's return, staff replies, triage and shredding.

Views stay thin and call these functions. Source-side functions never need the vault unsealed; staff
functions do (they open the submission key with the organisation's private key). Nothing a source
does is written to the ledger: a ledger entry carries an exact timestamp, which would undo storing
arrival times to the hour only. Every staff action is ledgered, with opaque ids.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from khronika.accounts.models import Alert, User
from khronika.intake import files, phrase_throttle, receipts, sealing
from khronika.intake.models import Attachment, Message, Submission
from khronika.intake.sanitize import CleanFile
from khronika.ledger.services import record

# Every question of the report form, unanswered.
EMPTY_ANSWERS: dict[str, Any] = {
    "what_happened": "",
    "acts": [],
    "when_date": "",
    "when_roughly": "",
    "place": "",
    "place_detail": "",
    "who_was_involved": "",
    "contact": "",
}


class Throttled(Exception):
    """Too many wrong receipt phrases were tried across the whole instance; wait ``seconds``."""

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


@dataclass(frozen=True)
class Upload:
    """One file as it will be stored: the cleaned copy, and the untouched original only if the
    source asked the organisation to keep it."""

    clean: CleanFile
    original_name: str
    original: bytes | None = None


@dataclass(frozen=True)
class FileInfo:
    attachment_id: uuid.UUID
    name: str
    media_type: str
    size: int
    sha256: str
    removed: list[str]
    is_original: bool


@dataclass(frozen=True)
class ThreadMessage:
    sender: str
    sent_hour: datetime
    text: str
    files: list[FileInfo] = field(default_factory=list)


@dataclass(frozen=True)
class OpenSubmission:
    """A submission with its key in hand: what the source or a staff member may now read."""

    submission: Submission
    key: bytes

    def answers(self) -> dict[str, Any]:
        """The report's answers, every question present (an unanswered one is empty)."""
        raw = sealing.decrypt(self.key, self.submission.answers, "answers", self.submission.id)
        return {**EMPTY_ANSWERS, **json.loads(raw)}

    def thread(self, *, with_originals: bool = False) -> tuple[list[FileInfo], list[ThreadMessage]]:
        """The files sent with the report, and the conversation in order. Originals are listed only for
        callers allowed to open them (coordinators); their details are sealed to the organisation."""
        attachments = list(self.submission.attachments.all())
        by_message: dict[uuid.UUID | None, list[FileInfo]] = {}
        for attachment in attachments:
            if attachment.is_original and not with_originals:
                continue
            by_message.setdefault(attachment.message_id, []).append(self.file_info(attachment))
        messages = [
            ThreadMessage(
                sender=message.sender,
                sent_hour=message.sent_hour,
                text=sealing.decrypt(
                    self.key, message.body, "message", self.submission.id, str(message.id)
                ).decode(),
                files=by_message.get(message.id, []),
            )
            for message in self.submission.messages.all()
        ]
        return by_message.get(None, []), messages

    def file_info(self, attachment: Attachment) -> FileInfo:
        key = self._attachment_key(attachment)
        details = json.loads(
            sealing.decrypt(key, attachment.details, "file-details", self.submission.id, str(attachment.id))
        )
        return FileInfo(attachment_id=attachment.id, is_original=attachment.is_original, **details)

    def _attachment_key(self, attachment: Attachment) -> bytes:
        if attachment.is_original:
            # Sealed to the organisation only: the receipt phrase cannot open a kept original.
            return sealing.open_as_organisation(bytes(attachment.key_for_org or b""))
        return self.key

    def file_content(self, attachment: Attachment) -> bytes:
        key = self._attachment_key(attachment)
        return sealing.decrypt(
            key, files.read(attachment.stored_name), "file", self.submission.id, str(attachment.id)
        )


def arrival_hour(now: datetime | None = None) -> datetime:
    """The time stored for anything a source does: to the hour, so a row cannot be matched to a
    connection seen by an observer of the network or a log elsewhere."""
    return (now or timezone.now()).replace(minute=0, second=0, microsecond=0)


def submit(
    answers: dict[str, Any], uploads: Sequence[Upload], *, language: str, urgent: bool
) -> tuple[Submission, str]:
    """Store a new report, sealed; return it and the receipt phrase (shown once, never stored)."""
    phrase = receipts.new_phrase(language)
    secrets_ = receipts.derive(phrase)
    key = sealing.new_key()
    submission = Submission(
        id=uuid.uuid4(),
        received_hour=arrival_hour(),
        language=language,
        urgent=urgent,
        key_for_org=sealing.seal_for_organisation(key),
        phrase_hash=secrets_.lookup_hash,
    )
    submission.key_for_source = sealing.wrap_for_source(secrets_.phrase_key, key, submission.id)
    submission.answers = sealing.encrypt(key, json.dumps(answers).encode(), "answers", submission.id)
    attachments = _prepare_files(submission, key, None, uploads)
    with _files_written(attachments), transaction.atomic():
        submission.save(force_insert=True)
        for attachment, _ in attachments:
            attachment.save(force_insert=True)
    if urgent:
        _alert_urgent(submission)
    return submission, phrase


def open_with_phrase(phrase: str) -> OpenSubmission | None:
    """The submission this phrase belongs to, or None. Raises ``Throttled`` while too many wrong
    phrases are being tried; a phrase that is not made of list words costs no hash and no count."""
    wait = phrase_throttle.wait_seconds()
    if wait:
        raise Throttled(wait)
    if not receipts.phrase_looks_valid(phrase):
        return None
    secrets_ = receipts.derive(phrase)
    submission = Submission.objects.filter(phrase_hash=secrets_.lookup_hash).first()
    if submission is None or not submission.key_for_source:
        phrase_throttle.record_failure()
        return None
    key = sealing.unwrap_for_source(secrets_.phrase_key, submission.key_for_source, submission.id)
    return OpenSubmission(submission, key)


def open_for_source(submission_id: uuid.UUID, key: bytes) -> OpenSubmission | None:
    """Reopen a submission from a return token, if its phrase has not been revoked meanwhile."""
    submission = Submission.objects.filter(id=submission_id, key_for_source__isnull=False).first()
    return OpenSubmission(submission, key) if submission is not None else None


def open_as_staff(submission: Submission) -> OpenSubmission:
    """Needs the vault unsealed (the organisation's private key opens the submission key)."""
    return OpenSubmission(submission, sealing.open_as_organisation(submission.key_for_org))


def add_message(
    opened: OpenSubmission, text: str, uploads: Sequence[Upload] = (), *, author: User | None = None
) -> Message:
    """Append to the conversation: from the source (``author`` None) or from a staff member."""
    submission = opened.submission
    sender = Message.Sender.STAFF if author is not None else Message.Sender.SOURCE
    message = Message(
        id=uuid.uuid4(), submission=submission, sender=sender, author=author, sent_hour=arrival_hour()
    )
    message.body = sealing.encrypt(opened.key, text.encode(), "message", submission.id, str(message.id))
    attachments = _prepare_files(submission, opened.key, message, uploads)
    with _files_written(attachments), transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        last = locked.messages.aggregate(last=Max("sequence"))["last"] or 0
        message.sequence = last + 1
        message.save(force_insert=True)
        for attachment, _ in attachments:
            attachment.save(force_insert=True)
        changes: dict[str, Any] = {"waiting_for_staff": author is None}
        if author is not None and locked.status == Submission.Status.NEW:
            changes["status"] = Submission.Status.IN_PROGRESS
        Submission.objects.filter(pk=submission.pk).update(**changes)
        if author is not None:
            record(author, "intake.reply", message)
    return message


def set_status(user: User, submission: Submission, status: str) -> None:
    Submission.objects.filter(pk=submission.pk).update(status=status)
    record(user, f"intake.status.{status}", submission)


def mark_converted(user: User, submission: Submission, incident: Any) -> None:
    Submission.objects.filter(pk=submission.pk).update(
        status=Submission.Status.CONVERTED, converted_incident=incident, waiting_for_staff=False
    )
    record(user, "intake.convert", submission)


def revoke_phrase(user: User, submission: Submission) -> None:
    """The receipt phrase stops working for good (a source's phone was seized, say). Staff keep access."""
    Submission.objects.filter(pk=submission.pk).update(phrase_hash=None, key_for_source=None)
    record(user, "intake.revoke_phrase", submission)


def shred(user: User | None, submission: Submission, *, action: str = "intake.delete") -> None:
    """Crypto-shred a submission: overwrite both copies of its key and every ciphertext, delete its
    files, then its rows. Overwriting first means a database page that survives the delete (free
    lists, WAL, a backup taken a minute ago) holds nothing the key can ever open again."""
    with transaction.atomic():
        attachments = list(
            Attachment.objects.filter(submission=submission).values_list("stored_name", flat=True)
        )
        Attachment.objects.filter(submission=submission).update(key_for_org=None, details=b"")
        Message.objects.filter(submission=submission).update(body=b"")
        Submission.objects.filter(pk=submission.pk).update(
            key_for_org=b"", key_for_source=None, phrase_hash=None, answers=b""
        )
        record(user, action, submission)
        Submission.objects.filter(pk=submission.pk).delete()
    for name in attachments:
        files.delete(name)


def shred_expired(retention: timedelta, now: datetime | None = None) -> int:
    """Crypto-shred submissions never recorded as incidents and older than ``retention``
    (docs/security.md, Retention). Returns how many were shredded."""
    cutoff = (now or timezone.now()) - retention
    expired = Submission.objects.filter(received_hour__lt=cutoff).exclude(status=Submission.Status.CONVERTED)
    count = 0
    for submission in expired.only("id").iterator():
        shred(None, submission, action="intake.expire")
        count += 1
    return count


def _prepare_files(
    submission: Submission, key: bytes, message: Message | None, uploads: Sequence[Upload]
) -> list[tuple[Attachment, bytes]]:
    """Attachment rows and their encrypted content, built before anything is written."""
    prepared: list[tuple[Attachment, bytes]] = []
    for position, upload in enumerate(uploads):
        clean = upload.clean
        attachment = Attachment(
            id=uuid.uuid4(),
            submission=submission,
            message=message,
            stored_name=files.new_name(),
            position=position,
        )
        prepared.append(
            _encrypted(
                attachment,
                key,
                clean.content,
                _details(upload.original_name, clean.content, clean.media_type, list(clean.removed)),
            )
        )
        if upload.original is not None:
            original_key = sealing.new_key()
            kept = Attachment(
                id=uuid.uuid4(),
                submission=submission,
                message=message,
                stored_name=files.new_name(),
                position=position,
                is_original=True,
                original_of=attachment,
                key_for_org=sealing.seal_for_organisation(original_key),
            )
            details = _details(upload.original_name, upload.original, clean.media_type, [])
            prepared.append(_encrypted(kept, original_key, upload.original, details))
    return prepared


def _details(name: str, content: bytes, media_type: str, removed: list[str]) -> dict[str, Any]:
    return {
        "name": name[:200],
        "media_type": media_type,
        "size": len(content),
        # Hashed on arrival, as the cleaned copy and the original were stored: evidence of integrity.
        "sha256": hashlib.sha256(content).hexdigest(),
        "removed": [str(item) for item in removed],
    }


def _encrypted(
    attachment: Attachment, key: bytes, content: bytes, details: dict[str, Any]
) -> tuple[Attachment, bytes]:
    sid, row = attachment.submission_id, str(attachment.id)
    attachment.details = sealing.encrypt(key, json.dumps(details).encode(), "file-details", sid, row)
    return attachment, sealing.encrypt(key, content, "file", sid, row)


class _files_written:
    """Write the files, run the block, and remove the files again if the block fails: a report is
    stored whole or not at all, and no orphaned ciphertext is left behind."""

    def __init__(self, prepared: list[tuple[Attachment, bytes]]) -> None:
        self.prepared = prepared

    def __enter__(self) -> None:
        written: list[str] = []
        try:
            for attachment, ciphertext in self.prepared:
                files.write(attachment.stored_name, ciphertext)
                written.append(attachment.stored_name)
        except BaseException:
            for name in written:
                files.delete(name)
            raise

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None:
            for attachment, _ in self.prepared:
                files.delete(attachment.stored_name)


def _alert_urgent(submission: Submission) -> None:
    """Coordinators see urgent reports first and get an alert: a detention cannot wait in the inbox.

    The alert carries the submission's hour, not the minute, and is not ledgered (a ledger entry's
    timestamp is exact): either would undo storing arrival times to the hour only. It names no
    submission; the inbox lists urgent ones first."""
    Alert.objects.create(kind=Alert.Kind.URGENT_SUBMISSION, subject=None, raised_at=submission.received_hour)
