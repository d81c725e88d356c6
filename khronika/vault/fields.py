"""Field types for identifying and narrative data.

Every model field that holds a name, contact, handle, address, narrative, note or the text of a source
is declared with one of these types, and nothing else. Today they store plain text; the vault replaces
their storage with envelope encryption, so a raw copy of the database reveals none of them. Declaring
them now is what lets that change reach *exactly* the sensitive fields, and lets a test list them.
"""

from __future__ import annotations

from django.db import models


class SensitiveMixin:
    """Marks a field as identifying or narrative (threat model 1: seizure of the disk)."""

    sensitive = True


class SensitiveCharField(SensitiveMixin, models.CharField):  # type: ignore[type-arg]  # django-stubs generics
    pass


class SensitiveTextField(SensitiveMixin, models.TextField):  # type: ignore[type-arg]  # django-stubs generics
    pass


def sensitive_field_names(model: type[models.Model]) -> list[str]:
    """Names of the sensitive fields of ``model``, in declaration order."""
    return [f.name for f in model._meta.get_fields() if getattr(f, "sensitive", False)]
