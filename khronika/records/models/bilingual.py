"""Names kept in Russian and English, shown in the reader's language."""

from __future__ import annotations

from django.utils.translation import get_language


def in_language(russian: str, english: str) -> str:
    """Russian for Russian readers, else English; whichever exists when one is empty."""
    if (get_language() or "en").startswith("ru"):
        return russian or english
    return english or russian
