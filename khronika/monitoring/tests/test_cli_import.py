"""``khronika monitor import|feeds|poll`` (the half of the command in cli_import.py)."""

import io

import pytest
from django.core.management.base import CommandError, CommandParser

from khronika.monitoring import cli_import
from khronika.monitoring.models import Article, Feed
from khronika.monitoring.tests.importing import DATA
from khronika.worker.models import Job

pytestmark = pytest.mark.django_db


def _run(*argv):
    parser = CommandParser(prog="khronika monitor")
    cli_import.add_subcommands(parser.add_subparsers(dest="subcommand"))
    out = io.StringIO()
    cli_import.run(vars(parser.parse_args(argv)), out)
    return out.getvalue()


def test_import_prints_a_summary_and_each_failed_item(team, extractor):
    output = _run("import", str(DATA / "telegram-export.json"), "--compartment", "Home")

    assert (
        "2 imported (0 reprints of earlier articles), 0 already known, 2 candidates for review, 3 failed."
        in output
    )
    assert "  message 5: The message text is neither text nor a list of text parts." in output
    assert Article.objects.count() == 2


def test_import_into_an_unknown_compartment_is_refused(team, extractor):
    with pytest.raises(CommandError, match="There is no compartment named 'Nowhere'"):
        _run("import", str(DATA / "note.txt"), "--compartment", "Nowhere")


def test_feeds_add_list_and_pause(team):
    added = _run(
        "feeds", "add", "https://feeds.example.invalid/rss", "--compartment", "Home", "--title", "Synthetic"
    )
    feed = Feed.objects.get()
    assert str(feed.id) in added
    assert Job.objects.filter(kind="monitoring.poll_feed", payload__feed=str(feed.id)).exists()

    listing = _run("feeds", "list")
    assert "https://feeds.example.invalid/rss" in listing and "polled: never" in listing

    _run("feeds", "pause", str(feed.id))
    feed.refresh_from_db()
    assert not feed.active
    assert "(paused)" in _run("feeds", "list")


def test_feeds_add_refuses_what_is_not_a_web_address(team):
    with pytest.raises(CommandError, match="starts with http"):
        _run("feeds", "add", "file:///etc/passwd", "--compartment", "Home")
