"""Links between two synthetic persons, for tests that need a pair but not a run of the model."""

from __future__ import annotations

from typing import Any

from khronika.accounts.models import Compartment
from khronika.linkage.models import PersonLink
from khronika.records.models import Person
from khronika.testing.factories import PersonFactory


def link_in(
    compartment: Compartment, left: Person | None = None, right: Person | None = None, **fields: Any
) -> PersonLink:
    """A proposed link (unless ``state`` says otherwise) between two persons of ``compartment``."""
    one: Person = left or PersonFactory.create(compartment=compartment)
    two: Person = right or PersonFactory.create(compartment=compartment)
    first, second = sorted((one, two), key=lambda person: str(person.pk))
    fields.setdefault("probability", 0.6)
    return PersonLink.objects.create(compartment=compartment, left=first, right=second, **fields)
