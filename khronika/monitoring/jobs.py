"""Worker jobs: polling feeds. Each poll schedules the next one before it fetches, so a failing feed
(or a sealed vault, which makes the job retry later) never ends the chain. Polls are numbered by time
slot (``KHRONIKA_MONITOR_POLL_MINUTES`` each) and the idempotency key names the slot: however often a
poll is retried, there is exactly one poll of the next slot.

Idempotent: polling twice imports nothing twice (services.py recognises what it has seen).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from khronika.monitoring.models import Feed
from khronika.worker.jobs import enqueue, register

POLL = "monitoring.poll_feed"


def _interval() -> int:
    return max(1, settings.KHRONIKA_MONITOR_POLL_MINUTES) * 60


def _current_slot() -> int:
    return int(timezone.now().timestamp()) // _interval()


def schedule_poll(feed: Feed, slot: int | None = None) -> None:
    """Queue the poll of ``feed`` for ``slot`` (default: now), once."""
    if slot is None:
        slot, run_at = _current_slot(), timezone.now()
    else:
        run_at = datetime.fromtimestamp(slot * _interval(), tz=UTC)
    enqueue(
        POLL, {"feed": str(feed.pk), "slot": slot}, run_at=run_at, idempotency_key=f"{POLL}:{feed.pk}:{slot}"
    )


def resume_polling(feed: Feed) -> None:
    """Restart the chain of polls of a feed that was paused (its chain ended when a poll found it
    paused): this slot's and the next slot's polls, each a no-op when that poll is queued already."""
    slot = _current_slot()
    schedule_poll(feed)
    schedule_poll(feed, slot + 1)


@register(POLL)
def poll_feed(payload: dict[str, Any]) -> None:
    from khronika.monitoring.services import poll_feed as poll

    feed = Feed.objects.filter(pk=payload["feed"], active=True).first()
    if feed is None:
        return  # removed or paused: the chain ends here
    schedule_poll(feed, int(payload["slot"]) + 1)
    poll(feed)
