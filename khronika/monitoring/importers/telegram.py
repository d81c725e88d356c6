"""Telegram Desktop channel exports: the ``result.json`` written by "Export chat history" (JSON format).

Each message becomes an item; service messages (pinned, joined...) and messages without text are
skipped. A message's ``text`` is a string or a list of strings and entity objects; links are made as
``https://t.me/c/<channel id>/<message id>``, which opens the post for anyone who can read the channel.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _

from khronika.monitoring.fetching import FetchError, decode
from khronika.monitoring.importers import Batch, Item, ItemError, guess_language


def read_export(body: bytes) -> Batch:
    try:
        export = json.loads(decode(body, "utf-8"))
    except (ValueError, RecursionError):
        raise FetchError(_("This is not a Telegram export: the file is not valid JSON.")) from None
    if not isinstance(export, dict) or not isinstance(export.get("messages"), list):
        raise FetchError(_("This is not a Telegram channel export: it has no list of messages."))
    channel = export.get("id")
    batch = Batch(title=str(export.get("name") or ""))
    for position, message in enumerate(export["messages"], start=1):
        number = message.get("id", position) if isinstance(message, dict) else position
        label = _("message %(n)s") % {"n": number}
        try:
            item = _item(message, label, channel)
        except FetchError as error:
            batch.errors.append(ItemError(label, str(error)))
            continue
        if item is not None:
            batch.items.append(item)
    return batch


def _item(message: Any, label: str, channel: Any) -> Item | None:
    if not isinstance(message, dict):
        raise FetchError(_("The message is not a JSON object."))
    if message.get("type", "message") != "message":
        return None
    text = _text(message.get("text", ""))
    if not text.strip():
        return None  # a photo or sticker without a caption: nothing to read
    url = ""
    if isinstance(channel, int) and isinstance(message.get("id"), int):
        url = f"https://t.me/c/{channel}/{message['id']}"
    first_line = text.strip().splitlines()[0]
    return Item(
        label=label,
        text=text.strip(),
        url=url,
        title=first_line[:200],
        published=_published(message),
        language=guess_language(text),
    )


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts = []
        for part in value:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                parts.append(part["text"])
            else:
                raise FetchError(_("The message text has a part that is neither text nor a text entity."))
        return "".join(parts)
    raise FetchError(_("The message text is neither text nor a list of text parts."))


def _published(message: dict[str, Any]) -> datetime | None:
    """``date_unixtime`` (UTC) when present: ``date`` is in the exporting computer's local time."""
    try:
        if "date_unixtime" in message:
            return datetime.fromtimestamp(int(message["date_unixtime"]), tz=UTC)
        if "date" in message:
            return datetime.fromisoformat(str(message["date"])).replace(tzinfo=UTC)
    except (ValueError, TypeError, OverflowError):
        raise FetchError(_("The message date cannot be read.")) from None
    return None
