"""A person deleted for good (``records.deletion.delete_person``) takes their detention timelines, the
inquiries about them, their relatives' access phrases and the updates shared with them along,
crypto-shredded like the person: where they were held, by whom and on what grounds, what an authority
replied and what the family was told identify them as surely as their name (threat model 1)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from khronika.aid.models import DetentionEvent, Inquiry, RelativeAccess, SharedUpdate
from khronika.ledger.services import Event, object_ref, record_events
from khronika.records.models import Person
from khronika.vault.fields import shred


@receiver(pre_delete, sender=Person, dispatch_uid="aid_shred_detention_timeline")
def _shred_timeline(sender: type[Person], instance: Person, **kwargs: Any) -> None:
    rows: list[Any] = []
    for model in (DetentionEvent, Inquiry, RelativeAccess, SharedUpdate):
        rows.extend(model.objects.filter(person=instance))
    for row in rows:
        shred(row)
    if rows:
        # The deleting actor is not known here; records.deletion ledgers the person's own deletion.
        record_events(None, [Event("delete", *object_ref(row)) for row in rows])
