"""The worker polls each feed, and every poll schedules exactly one next poll."""

import pytest

from khronika.monitoring.jobs import POLL, poll_feed, schedule_poll
from khronika.monitoring.models import Article, Feed
from khronika.monitoring.tests.importing import DATA
from khronika.worker.models import Job

pytestmark = pytest.mark.django_db


def test_a_poll_imports_the_feed_and_schedules_the_next_slot_once(team, extractor, settings, site):
    base, content = site
    content.pages["/atom.xml"] = ((DATA / "atom.xml").read_bytes(), "application/atom+xml")
    feed = Feed.objects.create(compartment=team.home, url=f"{base}/atom.xml")
    schedule_poll(feed)
    first = Job.objects.get(kind=POLL)

    poll_feed(dict(first.payload))
    poll_feed(dict(first.payload))  # a retry of the same poll: idempotent

    assert Article.objects.count() == 1
    slots = sorted(job.payload["slot"] for job in Job.objects.filter(kind=POLL))
    assert slots == [first.payload["slot"], first.payload["slot"] + 1]


def test_a_paused_feed_is_not_polled_and_its_chain_ends(team, extractor):
    feed = Feed.objects.create(compartment=team.home, url="http://127.0.0.1:9/feed.xml", active=False)

    poll_feed({"feed": str(feed.id), "slot": 1})

    assert not Job.objects.filter(kind=POLL).exists()
    feed.refresh_from_db()
    assert feed.last_polled_at is None
