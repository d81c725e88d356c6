"""Telegram Desktop channel exports: each post is an article; malformed posts are reported one by one."""

import json

import pytest

from khronika.monitoring.models import Article
from khronika.monitoring.services import import_source
from khronika.monitoring.tests.importing import DATA

pytestmark = pytest.mark.django_db


def test_it_imports_the_posts_and_reports_each_malformed_message(team, extractor):
    report = import_source(str(DATA / "telegram-export.json"), compartment=team.home)

    assert (report.kind, report.imported, report.candidates) == ("telegram", 2, 2)
    assert report.errors == [
        {"label": "message 5", "message": "The message text is neither text nor a list of text parts."},
        {"label": "message 6", "message": "The message date cannot be read."},
        {"label": "message 7", "message": "The message is not a JSON object."},
    ]
    posts = sorted(Article.objects.all(), key=lambda a: a.published_at)
    assert [p.url for p in posts] == ["https://t.me/c/1234567890/2", "https://t.me/c/1234567890/3"]
    # Formatted text (a list of parts) is joined into the plain text the spans point into.
    assert str(posts[1].text).startswith("Срочно: в Грозном сотрудники полиции")
    # date_unixtime is UTC; "date" would be the exporting computer's local time.
    assert posts[0].published_at.isoformat() == "2025-11-02T11:00:00+00:00"
    assert {p.origin for p in posts} == {"telegram"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "This is not a Telegram export: the file is not valid JSON."),
        (
            json.dumps({"name": "x", "messages": "none"}).encode(),
            "This is not a Telegram channel export: it has no list of messages.",
        ),
        (b"[" * 100_000, "This is not a Telegram export: the file is not valid JSON."),
    ],
)
def test_a_malformed_export_is_one_clear_error_and_nothing_is_written(
    team, extractor, tmp_path, content, message
):
    path = tmp_path / "result.json"
    path.write_bytes(content)

    report = import_source(str(path), compartment=team.home)

    assert report.errors == [{"label": "input", "message": message}]
    assert not Article.objects.exists()
