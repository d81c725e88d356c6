"""Turning the ledger's opaque ids back into record references and pseudonyms, for readers allowed them.

The ledger holds opaque ids only (threat model 1). A reader who may see a record gets its reference or
pseudonym beside the id; for anyone else the id stays opaque, so that the ledger page cannot be used to
learn which records exist in a compartment one does not belong to (threat model 3).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Model

from khronika.accounts.access import visible
from khronika.records.models import Incident, Person, Source

# Which model each ledger object type names, and the field shown instead of its opaque id.
LABELLED: dict[str, tuple[type[Model], str]] = {
    "records.incident": (Incident, "reference"),
    "records.person": (Person, "pseudonym"),
    "records.source": (Source, "reference"),
}

Ref = tuple[str, str]


def labels_for(refs: Iterable[Ref], viewer: Any | None) -> dict[Ref, str]:
    """Map each (object type, object id) to its reference or pseudonym.

    With a ``viewer``, only records in the viewer's compartments are resolved. ``None`` resolves every
    record: for the operator's command line, who holds the whole database anyway.
    """
    wanted: dict[str, set[uuid.UUID]] = {}
    for object_type, object_id in refs:
        if object_type not in LABELLED:
            continue
        try:
            wanted.setdefault(object_type, set()).add(uuid.UUID(object_id))
        except ValueError:
            continue
    labels: dict[Ref, str] = {}
    for object_type, ids in wanted.items():
        model, field = LABELLED[object_type]
        queryset = model._default_manager.filter(pk__in=ids)
        if viewer is not None:
            queryset = visible(queryset, viewer)
        for pk, label in queryset.values_list("pk", field):
            labels[(object_type, str(pk))] = label
    return labels
