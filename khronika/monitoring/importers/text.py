"""Plain text files: the whole file is one article, its first line the title."""

from __future__ import annotations

from django.utils.translation import gettext as _

from khronika.monitoring.fetching import FetchError, decode
from khronika.monitoring.importers import Batch, Item, guess_language


def read_text(body: bytes, *, url: str = "") -> Batch:
    text = decode(body).replace("\r\n", "\n").strip()
    if not text:
        raise FetchError(_("The file is empty."))
    if "\x00" in text:
        raise FetchError(_("This is not a text file."))
    return Batch(
        items=[
            Item(
                label=_("file"),
                text=text,
                url=url,
                title=text.splitlines()[0][:200],
                language=guess_language(text),
            )
        ]
    )
