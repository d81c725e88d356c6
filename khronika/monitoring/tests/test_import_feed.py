"""Feeds are fetched over HTTP (here from a server on 127.0.0.1), through the proxy when one is set."""

import pytest

from khronika.monitoring.models import Article, Candidate, Feed
from khronika.monitoring.services import import_source, poll_feed
from khronika.monitoring.tests.importing import DATA, article_page

pytestmark = pytest.mark.django_db


def _serve_feed(base, content):
    content.pages["/feed.xml"] = (
        (DATA / "feed.xml").read_text().replace("{base}", base).encode(),
        "application/rss+xml",
    )
    body = "Сотрудники полиции задержали в Махачкале двух мужчин 3 ноября. " * 12
    content.pages["/articles/1"] = (
        article_page("В Махачкале задержали двух мужчин", body),
        "text/html; charset=utf-8",
    )


def test_it_imports_each_entry_of_a_feed_and_reports_the_one_without_text(team, site, extractor):
    base, content = site
    _serve_feed(base, content)
    feed = Feed.objects.create(compartment=team.home, url=f"{base}/feed.xml")

    report = poll_feed(feed)

    assert (report.imported, report.duplicates, report.candidates) == (2, 0, 2)
    assert report.errors == [{"label": "entry 2", "message": "The entry has no text."}]
    articles = {str(a.title): a for a in Article.objects.filter(feed=feed)}
    makhachkala = articles["В Махачкале задержали двух мужчин"]
    # The teaser was short, so the linked page was fetched for the whole article.
    assert "/articles/1" in content.requests
    assert "3 ноября" in str(makhachkala.text)
    assert makhachkala.url == f"{base}/articles/1"
    assert makhachkala.published_at.isoformat() == "2025-11-04T09:30:00+00:00"
    assert makhachkala.language == "ru"
    # The long summary was enough: that page was not fetched.
    assert "/articles/2" not in content.requests
    feed.refresh_from_db()
    assert feed.title == "Synthetic Monitor News"
    assert feed.last_error == ""
    assert Candidate.objects.filter(article__feed=feed).count() == 2


def test_polling_again_imports_nothing_twice(team, site, extractor):
    base, content = site
    _serve_feed(base, content)
    feed = Feed.objects.create(compartment=team.home, url=f"{base}/feed.xml")
    poll_feed(feed)

    again = poll_feed(feed)

    assert (again.imported, again.duplicates, again.candidates) == (0, 2, 0)
    assert Article.objects.count() == 2


def test_it_reads_an_atom_feed_from_a_file(team, extractor):
    report = import_source(str(DATA / "atom.xml"), compartment=team.home)

    assert (report.imported, report.candidates, report.errors) == (1, 1, [])
    article = Article.objects.get()
    assert article.url == "https://bulletin.example.invalid/2025/11/deportation"
    assert article.language == "en"
    assert "Anvar" in str(article.text)


def test_a_page_that_is_not_a_feed_is_one_clear_error(team, site, extractor):
    base, content = site
    content.pages["/feed.xml"] = ((DATA / "broken-feed.xml").read_bytes(), "text/html")
    feed = Feed.objects.create(compartment=team.home, url=f"{base}/feed.xml")

    report = poll_feed(feed)

    assert report.imported == 0
    assert report.errors == [{"label": "feed", "message": "This is not a readable RSS or Atom feed."}]
    feed.refresh_from_db()
    assert feed.last_error == "This is not a readable RSS or Atom feed."


def test_an_unreachable_feed_is_reported_in_plain_words(team, site, extractor):
    base, _content = site
    feed = Feed.objects.create(compartment=team.home, url=f"{base}/gone.xml")

    report = poll_feed(feed)

    assert report.errors[0]["message"] == "The server answered with status 404 instead of the page."


def test_requests_go_through_the_configured_proxy(team, site, extractor, settings):
    """Threat: a polled site learns the server's address. With a proxy set, nothing goes out directly:
    a proxy that does not answer means no fetch at all, and the site sees no request."""
    base, content = site
    _serve_feed(base, content)
    settings.KHRONIKA_MONITOR_PROXY = "socks5h://127.0.0.1:9"  # the discard port: nothing listens
    feed = Feed.objects.create(compartment=team.home, url=f"{base}/feed.xml")

    report = poll_feed(feed)

    assert content.requests == []
    assert (
        report.errors[0]["message"]
        == "The address could not be reached (no connection, or the proxy refused)."
    )
    assert "127.0.0.1" not in str(report.errors)


def test_a_feed_larger_than_the_limit_is_refused(team, site, extractor, settings):
    base, content = site
    _serve_feed(base, content)
    settings.KHRONIKA_MONITOR_MAX_BYTES = 500
    feed = Feed.objects.create(compartment=team.home, url=f"{base}/feed.xml")

    report = poll_feed(feed)

    assert report.imported == 0
    assert "larger than the limit" in report.errors[0]["message"]


def test_an_undeclared_windows_1251_feed_is_read_correctly(team, extractor):
    """feedparser alone reads it as windows-1252 and garbles every Russian word."""
    report = import_source(str(DATA / "feed-cp1251-undeclared.xml"), compartment=team.home)

    assert (report.kind, report.imported, report.errors) == ("feed", 1, [])
    article = Article.objects.get()
    assert article.title == "Задержание в Казани"
    assert str(article.text).startswith("Полиция задержала в Казани")


def test_a_server_that_trickles_its_answer_is_cut_off(team, site, extractor, settings):
    base, content = site
    _serve_feed(base, content)
    content.trickle.add("/feed.xml")
    settings.KHRONIKA_MONITOR_TIMEOUT_SECONDS = 1
    feed = Feed.objects.create(compartment=team.home, url=f"{base}/feed.xml")

    report = poll_feed(feed)

    assert report.errors == [{"label": "feed", "message": "The server took too long to answer."}]
    assert not Article.objects.exists()
