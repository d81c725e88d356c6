"""Importing one file or address from /monitoring/sources/, and reading its report."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from khronika.ledger.models import LedgerEntry
from khronika.monitoring.models import Article, Candidate, ImportReport
from khronika.monitoring.tests.importing import DATA, article_page
from khronika.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

HTML_BODY = (
    "Police detained two synthetic activists in Kazan on 2 November after a search of their flat. " * 6
)


def _as(user):
    client = Client()
    client.force_login(user)
    return client


def _import(client, compartment, *, file=None, url="", kind=""):
    data = {"import-compartment": compartment.pk, "import-url": url, "import-kind": kind}
    if file is not None:
        data["import-file"] = file
    return client.post("/monitoring/sources/import/", data)


def _report_of(response):
    match = re.fullmatch(r"/monitoring/imports/([0-9a-f-]{36})/", response["Location"])
    assert match, response["Location"]
    return ImportReport.objects.get(pk=match.group(1))


def test_an_uploaded_telegram_export_is_imported_and_its_report_names_each_bad_message(team, extractor):
    client = _as(team.documenter)
    upload = SimpleUploadedFile("result.json", (DATA / "telegram-export.json").read_bytes())

    response = _import(client, team.home, file=upload)

    assert response.status_code == 302
    report = _report_of(response)
    assert (report.kind, report.imported, report.candidates, len(report.errors)) == ("telegram", 2, 2, 3)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "message 5" in page.text
    assert "The message text is neither text nor a list of text parts." in page.text
    assert "The message date cannot be read." in page.text
    assert Article.objects.filter(compartment=team.home).count() == 2


def test_an_uploaded_html_page_becomes_one_article_with_its_candidate(team, extractor):
    client = _as(team.documenter)
    upload = SimpleUploadedFile("kazan.html", article_page("Detentions in Kazan", HTML_BODY))

    report = _report_of(_import(client, team.home, file=upload))

    assert (report.kind, report.imported, report.candidates, report.errors) == ("html", 1, 1, [])
    assert Article.objects.get().title == "Detentions in Kazan"
    page = client.get(f"/monitoring/imports/{report.id}/")
    assert "Every item was read." in page.text


def test_an_address_is_fetched_and_imported(team, site, extractor):
    base, content = site
    content.pages["/news/kazan"] = (
        article_page("Detentions in Kazan", HTML_BODY),
        "text/html; charset=utf-8",
    )

    report = _report_of(_import(_as(team.documenter), team.home, url=f"{base}/news/kazan"))

    assert (report.kind, report.imported, report.candidates) == ("html", 1, 1)
    assert content.requests == ["/news/kazan"]
    assert Article.objects.get().url == f"{base}/news/kazan"


def test_an_address_that_cannot_be_fetched_gets_a_report_saying_why(team, site, extractor):
    base, _content = site

    report = _report_of(_import(_as(team.documenter), team.home, url=f"{base}/gone"))

    assert report.errors == [
        {"label": "input", "message": "The server answered with status 404 instead of the page."}
    ]
    assert not Article.objects.exists()


def test_an_internal_address_is_refused_without_being_fetched(team, extractor):
    response = _import(_as(team.documenter), team.home, url="http://127.0.0.1:8000/admin/")

    assert response.status_code == 400
    assert "Addresses of this server or of an internal network cannot be fetched." in response.text
    assert not ImportReport.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("result.json", b"{not json", "This is not a Telegram export: the file is not valid JSON."),
        ("note.txt", b"", "The submitted file is empty."),
        ("feed.xml", (DATA / "broken-feed.xml").read_bytes(), "This is not a readable RSS or Atom feed."),
        ("note.txt", b"\x00\x01\x02" * 50, "This is not a text file."),
    ],
)
def test_a_broken_upload_is_a_plain_error_and_writes_nothing(team, extractor, name, content, message):
    ledger_before = LedgerEntry.objects.count()

    response = _import(_as(team.documenter), team.home, file=SimpleUploadedFile(name, content))

    assert response.status_code == 400
    assert "Nothing was imported." in response.text
    assert message in response.text
    assert not Article.objects.exists() and not ImportReport.objects.exists()
    assert LedgerEntry.objects.count() == ledger_before


def test_a_file_over_the_limit_is_refused_and_never_kept(team, extractor, settings):
    settings.KHRONIKA_MONITOR_MAX_BYTES = 2048
    upload = SimpleUploadedFile("huge.html", b"<html><body>" + b"<p>word</p>" * 1000 + b"</body></html>")

    response = _import(_as(team.documenter), team.home, file=upload)

    assert response.status_code == 400
    assert "It is larger than the limit of 2 KB" in response.text
    assert not ImportReport.objects.exists()


def test_a_file_and_an_address_together_or_neither_are_refused(team, extractor, settings):
    settings.KHRONIKA_MONITOR_ALLOW_INTERNAL = True  # the address is not looked up in this test
    client = _as(team.documenter)

    neither = _import(client, team.home)
    both = _import(client, team.home, file=SimpleUploadedFile("a.txt", b"text"), url="http://127.0.0.1:9/")

    for response in (neither, both):
        assert response.status_code == 400
        assert "Choose a file or give a web address (one of the two)." in response.text
    assert not ImportReport.objects.exists()


def test_every_write_of_an_import_is_ledgered_with_opaque_ids(team, extractor):
    client = _as(team.documenter)
    upload = SimpleUploadedFile("kazan.html", article_page("Detentions in Kazan", HTML_BODY))

    report = _report_of(_import(client, team.home, file=upload))

    entries = LedgerEntry.objects.filter(actor=f"user:{team.documenter.pk}", action="create")
    assert {(e.object_type, e.object_id) for e in entries} == {
        ("monitoring.importreport", str(report.id)),
        ("monitoring.article", str(Article.objects.get().id)),
        ("monitoring.candidate", str(Candidate.objects.get().id)),
    }


def test_a_compartment_the_user_is_not_in_cannot_be_imported_into(team, extractor):
    upload = SimpleUploadedFile("note.txt", b"Fine in Samara\nA synthetic note.")

    response = _import(_as(team.documenter), team.elsewhere, file=upload)

    assert response.status_code == 400
    assert not ImportReport.objects.exists()


def test_reports_of_other_compartments_and_users_without_import_get_a_404(team, extractor):
    theirs = ImportReport.objects.create(compartment=team.elsewhere, kind="html")
    mine = ImportReport.objects.create(compartment=team.home, kind="html")
    documenter = _as(team.documenter)

    assert documenter.get(f"/monitoring/imports/{theirs.id}/").status_code == 404
    assert documenter.get(f"/monitoring/imports/{mine.id}/").status_code == 200
    assert _as(team.analyst).get(f"/monitoring/imports/{mine.id}/").status_code == 404
    assert _as(team.analyst).get("/monitoring/sources/").status_code == 404
    intake = UserFactory(username="intake", role="intake", compartments=[team.home])
    assert _as(intake).get("/monitoring/sources/").status_code == 404


def test_the_sources_page_lists_the_latest_reports_of_ones_compartments_only(team):
    mine = ImportReport.objects.create(
        compartment=team.home, kind="telegram", imported=4, errors=[{"label": "message 2", "message": "x"}]
    )
    theirs = ImportReport.objects.create(compartment=team.elsewhere, kind="html")

    page = _as(team.documenter).get("/monitoring/sources/")

    assert page.status_code == 200
    assert f"/monitoring/imports/{mine.id}/" in page.text
    assert str(theirs.id) not in page.text


def test_the_review_queue_and_the_sources_page_link_to_each_other(team):
    client = _as(team.documenter)

    assert 'href="/monitoring/sources/"' in client.get("/monitoring/").text
    assert 'href="/monitoring/"' in client.get("/monitoring/sources/").text


def test_an_upload_larger_than_the_memory_threshold_never_goes_to_a_temporary_file(
    team, extractor, monkeypatch
):
    """Threat model 1: Django spools uploads over 2 MiB to a temporary file; the sources page keeps the
    upload in memory (vault.uploads.KeepInMemory), so no handler that writes to disk is ever asked."""
    from django.core.files import uploadhandler

    from khronika.vault import uploads

    def to_disk(*args, **kwargs):
        raise AssertionError("the upload was given to a handler that writes to disk")

    monkeypatch.setattr(uploads.EncryptedTemporaryFileUploadHandler, "new_file", to_disk)
    monkeypatch.setattr(uploadhandler.TemporaryFileUploadHandler, "new_file", to_disk)
    upload = SimpleUploadedFile("result.json", b"{" + b" " * (3 * 1024 * 1024))

    response = _import(_as(team.documenter), team.home, file=upload)

    assert response.status_code == 400
    assert "This is not a Telegram export: the file is not valid JSON." in response.text


def test_an_import_without_the_csrf_token_is_refused(team, extractor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(team.documenter)

    response = _import(client, team.home, file=SimpleUploadedFile("note.txt", b"Fine in Samara\nA note."))

    assert response.status_code == 403
    assert not ImportReport.objects.exists()
