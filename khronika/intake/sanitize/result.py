"""What the sanitizer hands back: a cleaned file, or a refusal a non-programmer can act on."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CleanFile:
    """The sanitized upload, ready to be encrypted and stored.

    ``media_type`` and ``extension`` come from the content (magic bytes), never from the name or the
    browser's Content-Type header, which the sender controls. ``removed`` names, in the language active
    during the upload (the source's), what was found and taken out, so the source can be shown it.
    """

    content: bytes
    media_type: str
    extension: str
    removed: tuple[str, ...]


class RefusedFile(Exception):
    """The upload cannot be accepted; ``message`` says so in plain words and what to do instead.

    Raised ``from None`` everywhere: a chained parser exception may carry bytes of the upload in its
    text (UnicodeDecodeError does), and tracebacks end up in error reports and logs.
    """

    def __init__(self, message: str | Promise) -> None:
        self.message = str(message)
        super().__init__(self.message)


def unreadable(kind: str | Promise) -> RefusedFile:
    """A refusal for a damaged, truncated or malformed file of a kind we otherwise accept."""
    return RefusedFile(
        _(
            "This file (%(kind)s) seems to be damaged or incomplete, so we could not clean it. "
            "Please check that it opens on your device and send it again, or send a screenshot."
        )
        % {"kind": kind}
    )


def too_large_inside(kind: str | Promise) -> RefusedFile:
    """A refusal for a file that would expand to far more than its size (a "bomb") when opened."""
    return RefusedFile(
        _(
            "This file (%(kind)s) would take up far too much memory once opened, so we cannot accept it. "
            "Please send a smaller version, or a screenshot."
        )
        % {"kind": kind}
    )
