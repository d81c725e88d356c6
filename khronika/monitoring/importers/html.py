"""Web pages (from an address or a saved file) to plain text with trafilatura."""

from __future__ import annotations

from datetime import UTC, datetime

import trafilatura
from django.utils.translation import gettext as _
from trafilatura.settings import use_config

from khronika.monitoring.fetching import FetchError, decode
from khronika.monitoring.importers import Batch, Item, ItemError, guess_language

# Threat: hostile HTML built to exhaust memory or time (millions of elements). Past this many elements
# trafilatura gives up on the tree; the byte cap (fetching.py) comes first.
MAX_TREE_SIZE = 100_000
_CONFIG = use_config()
_CONFIG.set("DEFAULT", "MAX_TREE_SIZE", str(MAX_TREE_SIZE))


def page_item(html: str, *, url: str = "", label: str = "page") -> Item:
    """The article in ``html``; FetchError when the page holds no article text."""
    try:
        document = trafilatura.bare_extraction(
            html, url=url or None, with_metadata=True, include_comments=False, config=_CONFIG
        )
    except Exception:  # lxml and trafilatura raise many kinds on broken markup; the reason is ours
        document = None
    data = document.as_dict() if document is not None and hasattr(document, "as_dict") else document or {}
    text = str(data.get("text") or "").strip()
    if not text:
        raise FetchError(_("No article text was found in the page (empty, or too large or broken to read)."))
    return Item(
        label=label,
        text=text,
        url=url or str(data.get("url") or ""),
        title=str(data.get("title") or ""),
        published=_date(str(data.get("date") or "")),
        language=guess_language(text, str(data.get("language") or "")),
    )


def read_page(body: bytes, *, url: str = "", charset: str = "") -> Batch:
    """One saved or fetched page; its error, if any, is the batch's only error."""
    batch = Batch()
    try:
        batch.items.append(page_item(decode(body, charset), url=url))
    except FetchError as error:
        batch.errors.append(ItemError("page", str(error)))
    return batch


def _date(value: str) -> datetime | None:
    try:
        day = datetime.strptime(value[:10], "%Y-%m-%d")  # noqa: DTZ007  # a date only; made aware below
    except ValueError:
        return None
    return day.replace(tzinfo=UTC)
