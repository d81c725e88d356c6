"""Feeds on /monitoring/sources/: listed with their state, added, paused, resumed and removed."""

import pytest
from django.test import Client
from django.utils import timezone

from khronika.ledger.models import LedgerEntry
from khronika.monitoring import services
from khronika.monitoring.jobs import POLL
from khronika.monitoring.models import Article, Feed, ImportReport
from khronika.monitoring.tests.importing import DATA
from khronika.worker.models import Job

pytestmark = pytest.mark.django_db


def _as(user):
    client = Client()
    client.force_login(user)
    return client


def _ledger(user, action, feed_id):
    return LedgerEntry.objects.filter(
        actor=f"user:{user.pk}", action=action, object_type="monitoring.feed", object_id=str(feed_id)
    ).count()


def test_a_feed_is_added_polled_and_listed_with_its_state(team, site, extractor):
    base, content = site
    content.pages["/feed.xml"] = ((DATA / "feed.xml").read_bytes(), "application/rss+xml")
    client = _as(team.documenter)

    response = client.post(
        "/monitoring/sources/feeds/add/",
        {"feed-url": f"  {base}/feed.xml ", "feed-title": "", "feed-compartment": team.home.pk},
    )

    assert response.status_code == 302
    feed = Feed.objects.get()
    assert (feed.url, feed.compartment_id, feed.active) == (f"{base}/feed.xml", team.home.pk, True)
    assert Job.objects.filter(kind=POLL, payload__feed=str(feed.id)).exists()
    assert _ledger(team.documenter, "create", feed.id) == 1

    services.poll_feed(feed)  # what the worker's job does
    page = client.get("/monitoring/sources/")
    feed.refresh_from_db()
    assert str(feed.title) in page.text and feed.title
    assert "not yet" not in page.text  # it has been read
    assert "The feed was added." in page.text


def test_a_feed_that_fails_shows_its_last_error_in_plain_words(team):
    Feed.objects.create(
        compartment=team.home,
        url="https://feeds.example.invalid/rss",
        title="Synthetic feed",
        last_polled_at=timezone.now(),
        last_error="This is not a readable RSS or Atom feed.",
    )

    page = _as(team.documenter).get("/monitoring/sources/")

    assert "Synthetic feed" in page.text
    assert "This is not a readable RSS or Atom feed." in page.text


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "Give a web address that starts with http:// or https://"),
        ("feeds.example.org/rss", "Give a web address that starts with http:// or https://"),
        ("http://192.168.1.1/rss", "Addresses of this server or of an internal network cannot be fetched."),
    ],
)
def test_an_address_that_is_not_a_public_web_address_is_refused_clearly(team, url, message):
    response = _as(team.documenter).post(
        "/monitoring/sources/feeds/add/", {"feed-url": url, "feed-compartment": team.home.pk}
    )

    assert response.status_code == 400
    assert message in response.text
    assert "The feed was not added." in response.text
    assert not Feed.objects.exists()


def test_a_feed_cannot_be_added_to_a_compartment_one_is_not_in(team, settings):
    settings.KHRONIKA_MONITOR_ALLOW_INTERNAL = True  # no name lookup in this test
    response = _as(team.documenter).post(
        "/monitoring/sources/feeds/add/",
        {"feed-url": "http://127.0.0.1:9/rss", "feed-compartment": team.elsewhere.pk},
    )

    assert response.status_code == 400
    assert not Feed.objects.exists()


def test_pausing_stops_polling_and_resuming_starts_it_again(team):
    feed = Feed.objects.create(compartment=team.home, url="https://feeds.example.invalid/rss")
    client = _as(team.documenter)

    client.post(f"/monitoring/sources/feeds/{feed.id}/pause/")
    feed.refresh_from_db()
    assert not feed.active
    assert "no, paused" in client.get("/monitoring/sources/").text

    client.post(f"/monitoring/sources/feeds/{feed.id}/resume/")
    feed.refresh_from_db()
    assert feed.active
    assert Job.objects.filter(kind=POLL, payload__feed=str(feed.id)).count() == 2  # this slot's and the next
    assert _ledger(team.documenter, "update", feed.id) == 2


def test_removing_a_feed_deletes_it_and_keeps_its_articles_and_reports(team, site, extractor):
    base, content = site
    content.pages["/feed.xml"] = ((DATA / "feed.xml").read_bytes(), "application/rss+xml")
    feed = Feed.objects.create(compartment=team.home, url=f"{base}/feed.xml")
    services.poll_feed(feed)
    articles = Article.objects.count()
    assert articles > 0

    response = _as(team.documenter).post(f"/monitoring/sources/feeds/{feed.id}/remove/")

    assert response.status_code == 302
    assert not Feed.objects.exists()
    assert Article.objects.count() == articles
    assert ImportReport.objects.filter(compartment=team.home).exists()
    assert _ledger(team.documenter, "delete", feed.id) == 1


def test_feeds_of_other_compartments_are_neither_listed_nor_reachable(team):
    theirs = Feed.objects.create(
        compartment=team.elsewhere, url="https://feeds.example.invalid/theirs", title="Theirs"
    )
    client = _as(team.documenter)

    assert "Theirs" not in client.get("/monitoring/sources/").text
    for action in ("pause", "resume", "remove"):
        assert client.post(f"/monitoring/sources/feeds/{theirs.id}/{action}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.active
    assert not LedgerEntry.objects.filter(object_type="monitoring.feed").exists()


def test_users_without_the_import_capability_get_a_404(team):
    feed = Feed.objects.create(compartment=team.home, url="https://feeds.example.invalid/rss")
    analyst = _as(team.analyst)

    assert (
        analyst.post("/monitoring/sources/feeds/add/", {"feed-url": "https://example.org/"}).status_code
        == 404
    )
    assert analyst.post(f"/monitoring/sources/feeds/{feed.id}/pause/").status_code == 404
    assert analyst.post(f"/monitoring/sources/feeds/{feed.id}/remove/").status_code == 404
    assert Feed.objects.filter(pk=feed.pk, active=True).exists()
