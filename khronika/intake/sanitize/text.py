"""Plain text: accepted as it is once it is proven to be UTF-8 text (text has no hidden metadata)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .detect import TEXT, Kind
from .result import CleanFile, RefusedFile


def clean_text(data: bytes, kind: Kind = TEXT) -> CleanFile:
    """The text unchanged; refuse other encodings and binary data named .txt."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise _not_text() from None  # the exception quotes the bytes: not chained
    if b"\x00" in data:
        raise _not_text()
    return CleanFile(data, kind.media_type, kind.extension, ())


def _not_text() -> RefusedFile:
    return RefusedFile(
        _(
            "This file is not plain text in a format we can read (UTF-8). Please copy the text into "
            "the report form instead, or save the file as UTF-8 text."
        )
    )
