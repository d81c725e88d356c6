"""Saved web pages and plain text: encodings old Russian sites still use, size limits, hostile markup."""

import pytest

from khronika.monitoring.models import Article
from khronika.monitoring.services import import_source
from khronika.monitoring.tests.importing import DATA, article_page

pytestmark = pytest.mark.django_db


def test_a_windows_1251_page_without_a_declared_charset_is_read_correctly(team, extractor):
    report = import_source(str(DATA / "article-cp1251.html"), compartment=team.home)

    assert (report.kind, report.imported, report.errors) == ("html", 1, [])
    article = Article.objects.get()
    assert "Районный суд Самары назначил" in str(article.text)
    assert article.title == "Суд в Самаре оштрафовал активиста"
    assert article.language == "ru"


def test_a_koi8_r_page_is_read_by_its_meta_charset(team, extractor):
    import_source(str(DATA / "article-koi8r.html"), compartment=team.home)

    assert "силовики провели обыск" in str(Article.objects.get().text)


def test_a_page_fetched_by_address_keeps_its_address(team, site, extractor):
    base, content = site
    body = "Police detained two synthetic activists in Kazan on 2 November after a search of their flat. " * 6
    content.pages["/news/kazan"] = (article_page("Detentions in Kazan", body), "text/html; charset=utf-8")

    report = import_source(f"{base}/news/kazan", compartment=team.home)

    assert (report.imported, report.candidates) == (1, 1)
    assert Article.objects.get().url == f"{base}/news/kazan"


def test_a_plain_text_file_is_one_article_titled_by_its_first_line(team, extractor):
    report = import_source(str(DATA / "note.txt"), compartment=team.home)

    assert (report.kind, report.imported) == ("text", 1)
    article = Article.objects.get()
    assert (article.title, article.language) == ("Fine in Samara", "en")


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(team, extractor, settings, tmp_path):
    settings.KHRONIKA_MONITOR_MAX_BYTES = 2048
    path = tmp_path / "huge.html"
    path.write_bytes(b"<html><body>" + b"<p>word</p>" * 1000 + b"</body></html>")

    report = import_source(str(path), compartment=team.home)

    assert report.errors == [
        {"label": "input", "message": "It is larger than the limit of 2 KB (KHRONIKA_MONITOR_MAX_BYTES)."}
    ]
    assert not Article.objects.exists()


def test_hostile_deeply_nested_html_is_an_error_not_a_crash(team, extractor, tmp_path):
    path = tmp_path / "nested.html"
    path.write_bytes(b"<html><body>" + b"<div>" * 200_000 + b"text" + b"</div>" * 200_000 + b"</body></html>")

    report = import_source(str(path), compartment=team.home)

    assert report.imported == 0
    assert report.errors == [
        {
            "label": "page",
            "message": "No article text was found in the page (empty, or too large or broken to read).",
        }
    ]


def test_a_page_without_article_text_is_reported(team, extractor, tmp_path):
    path = tmp_path / "empty.html"
    path.write_bytes(b"<html><head><title>Nothing</title></head><body></body></html>")

    report = import_source(str(path), compartment=team.home)

    assert report.errors[0]["label"] == "page"
    assert not Article.objects.exists()
