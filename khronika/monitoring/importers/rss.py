"""RSS and Atom feeds with feedparser, which copes with most broken feeds and says when it could not."""

from __future__ import annotations

import calendar
import contextlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from html import unescape
from typing import Any

import feedparser  # type: ignore[import-untyped]  # feedparser publishes no type hints
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from khronika.monitoring.fetching import FetchError, declares_encoding, decode
from khronika.monitoring.importers import Batch, Item, ItemError, guess_language
from khronika.monitoring.importers.html import page_item

# Feeds often carry a teaser only; shorter than this, the linked page is fetched for the full text.
SHORT_SUMMARY_CHARS = 400

PageFetcher = Callable[[str], str]


def read_feed(body: bytes, *, charset: str = "", fetch_page: PageFetcher | None = None) -> Batch:
    """The entries of a feed. A feed that is not RSS or Atom at all is one error; an entry without text
    is an error of its own and the others still count."""
    parsed = feedparser.parse(_readable(body, charset))
    if not parsed.entries:
        if parsed.bozo or not parsed.get("version"):
            raise FetchError(_("This is not a readable RSS or Atom feed."))
        return Batch(title=str(parsed.feed.get("title", "")))
    language = str(parsed.feed.get("language", ""))
    batch = Batch(title=str(parsed.feed.get("title", "")))
    for number, entry in enumerate(parsed.entries, start=1):
        label = _("entry %(n)s") % {"n": number}
        try:
            batch.items.append(_item(entry, label, language, fetch_page))
        except FetchError as error:
            batch.errors.append(ItemError(label, str(error)))
    return batch


def _readable(body: bytes, charset: str) -> bytes | str:
    """Bytes when the XML declares its encoding (feedparser honours it); otherwise our decoding, because
    feedparser reads an undeclared windows-1251 feed as windows-1252 and garbles every Russian word."""
    if declares_encoding(body):
        return body
    return decode(body, charset)


def _item(entry: Any, label: str, language: str, fetch_page: PageFetcher | None) -> Item:
    link = str(entry.get("link", "") or "")
    html = ""
    if entry.get("content"):
        html = str(entry.content[0].get("value", ""))
    html = html or str(entry.get("summary", "") or "")
    text = _plain(html)
    if len(text) < SHORT_SUMMARY_CHARS and link and fetch_page is not None:
        # The page gone or unreadable: the teaser is what we have.
        with contextlib.suppress(FetchError):
            text = page_item(fetch_page(link), url=link, label=label).text
    if not text.strip():
        raise FetchError(_("The entry has no text."))
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    return Item(
        label=label,
        text=text,
        url=link,
        title=_plain(str(entry.get("title", "") or "")),
        published=_aware(published),
        language=guess_language(text, language),
    )


def _plain(html: str) -> str:
    """Text of an HTML fragment (feed summaries are HTML); markup-free text passes unchanged."""
    return unescape(strip_tags(html)).strip() if "<" in html else unescape(html).strip()


def _aware(parsed: time.struct_time | None) -> datetime | None:
    # feedparser gives UTC struct_time; timegm reads it as UTC.
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC) if parsed else None
