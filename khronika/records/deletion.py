"""Deleting records for good: every deletion crypto-shreds what it removes.

Threat model 1: a deleted person must not come back from the database's free pages, its WAL or a
backup. Each row is shredded first (its data key and ciphertexts overwritten, ``vault.fields.shred``),
then removed; SQLite runs with ``secure_delete`` so freed pages are zeroed. Copies that outlive this
(PostgreSQL's dead tuples until vacuum, WAL archives, older backups) hold ciphertext under a data key
wrapped by the key-encryption key, which a key rotation retires (docs/vault.md, Crypto-shredding).

The ledger keeps one ``delete`` entry per removed object, by opaque id only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from khronika.ledger.services import Event, object_ref, record_events
from khronika.records.models import Act, Evidence, Incident, Person
from khronika.vault.fields import shred


def _shred_all(objects: Iterable[models.Model]) -> list[Event]:
    events = []
    for obj in objects:
        shred(obj)
        events.append(Event("delete", *object_ref(obj)))
    return events


def delete_incident(incident: Incident, actor: Any) -> None:
    """Remove an incident with its acts, sources' statements and evidence files."""
    with transaction.atomic():
        evidence = list(incident.evidence.all())
        events = _shred_all([*evidence, *incident.information.all(), *incident.acts.all(), incident])
        record_events(actor, events)
        names = [item.file.name for item in evidence if item.file.name]
        incident.delete()
        # The stored files go once the rows are surely gone; a failure above keeps both.
        transaction.on_commit(lambda: _delete_files(names))


def delete_person(person: Person, actor: Any) -> None:
    """Remove a person; the acts that named them stay, with the victim or perpetrator left blank."""
    with transaction.atomic():
        Act.objects.filter(victim=person).update(victim=None)
        Act.objects.filter(perpetrator_person=person).update(perpetrator_person=None)
        record_events(actor, _shred_all([person]))
        person.delete()


def delete_evidence(evidence: Evidence, actor: Any) -> None:
    with transaction.atomic():
        name = evidence.file.name
        record_events(actor, _shred_all([evidence]))
        evidence.delete()
        transaction.on_commit(lambda: _delete_files([name] if name else []))


def _delete_files(names: list[str]) -> None:
    storage = Evidence._meta.get_field("file").storage
    for name in names:
        storage.delete(name)
