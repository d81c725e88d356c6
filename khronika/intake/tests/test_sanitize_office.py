"""Office documents lose author properties and reviewer names; zip bombs and plain archives are refused."""

import io
import zipfile

import pytest

from khronika.intake.sanitize import RefusedFile, sanitize_upload

LIMIT = 10 * 1024 * 1024

CORE = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">
<dc:creator>Synthetic Author</dc:creator><cp:lastModifiedBy>synthetic.login</cp:lastModifiedBy>
<dcterms:created>2026-01-02T03:04:05Z</dcterms:created></cp:coreProperties>"""
APP = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">
<Application>SynthOffice</Application><Company>Synthetic Company</Company></Properties>"""
DOCUMENT = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:ins w:id="1" w:author="Synthetic Reviewer" w:date="2026-01-02T00:00:00Z"><w:r><w:t>They came at
night.</w:t></w:r></w:ins></w:p></w:body></w:document>"""


def _zip(entries, *, first_stored=False):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, content) in enumerate(entries):
            stored = first_stored and index == 0
            archive.writestr(name, content, compress_type=zipfile.ZIP_STORED if stored else None)
    return out.getvalue()


def _docx(extra=()):
    return _zip(
        [
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", DOCUMENT),
            ("docProps/core.xml", CORE),
            ("docProps/app.xml", APP),
            *extra,
        ]
    )


def test_it_removes_the_author_company_and_reviewer_names_from_a_docx():
    clean = sanitize_upload("statement.docx", _docx(), max_bytes=LIMIT)

    assert clean.extension == ".docx"
    assert clean.media_type.endswith("wordprocessingml.document")
    with zipfile.ZipFile(io.BytesIO(clean.content)) as archive:
        texts = {name: archive.read(name) for name in archive.namelist()}
        dates = {info.date_time for info in archive.infolist()}
    assert b"They came at" in texts["word/document.xml"]  # the content itself is kept
    everything = b"".join(texts.values())
    for secret in (b"Synthetic Author", b"synthetic.login", b"Synthetic Company", b"Synthetic Reviewer"):
        assert secret not in everything
    assert dates == {(1980, 1, 1, 0, 0, 0)}
    for described in (
        "author name",
        "name of the last person who changed it",
        "company name",
        "names of people who commented or tracked changes",
    ):
        assert described in clean.removed


def test_it_replaces_opendocument_meta_and_keeps_the_mimetype_first_and_uncompressed():
    meta = b"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta>
<meta:initial-creator>Synthetic Author</meta:initial-creator><meta:generator>SynthOffice</meta:generator>
</office:meta></office:document-meta>"""
    data = _zip(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", b"<office:document-content/>"),
            ("meta.xml", meta),
        ],
        first_stored=True,
    )

    clean = sanitize_upload("statement.odt", data, max_bytes=LIMIT)

    assert clean.extension == ".odt"
    with zipfile.ZipFile(io.BytesIO(clean.content)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert b"Synthetic Author" not in archive.read("meta.xml")
    assert "author name" in clean.removed and "program that created it" in clean.removed


def test_it_removes_comment_authors_from_spreadsheets_and_presentations():
    comments = b"<comments><authors><author>Synthetic Commenter</author></authors></comments>"
    sheet = _zip(
        [
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/comments1.xml", comments),
        ]
    )
    authors = b'<p:cmAuthorLst><p:cmAuthor id="0" name="Synthetic Presenter" initials="SP"/></p:cmAuthorLst>'
    slides = _zip(
        [
            ("[Content_Types].xml", b"<Types/>"),
            ("ppt/presentation.xml", b"<presentation/>"),
            ("ppt/commentAuthors.xml", authors),
        ]
    )

    clean_sheet = sanitize_upload("table.xlsx", sheet, max_bytes=LIMIT)
    clean_slides = sanitize_upload("slides.pptx", slides, max_bytes=LIMIT)

    assert b"Synthetic Commenter" not in zipfile.ZipFile(io.BytesIO(clean_sheet.content)).read(
        "xl/comments1.xml"
    )
    assert b"Synthetic Presenter" not in zipfile.ZipFile(io.BytesIO(clean_slides.content)).read(
        "ppt/commentAuthors.xml"
    )
    assert "names of people who commented or tracked changes" in clean_sheet.removed
    assert clean_slides.extension == ".pptx"


def test_it_detects_a_spreadsheet_from_its_content():
    data = _zip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")])

    assert sanitize_upload("table.xlsx", data, max_bytes=LIMIT).extension == ".xlsx"


def test_it_refuses_a_zip_bomb_from_the_sizes_in_its_directory():
    bomb = _docx(extra=[("word/media/zeros.bin", b"\x00" * (20 * 1024 * 1024))])
    assert len(bomb) < 100_000

    with pytest.raises(RefusedFile, match="far too much memory"):
        sanitize_upload("bomb.docx", bomb, max_bytes=LIMIT)


def test_it_refuses_a_plain_zip_archive():
    with pytest.raises(RefusedFile, match="archives"):
        sanitize_upload("photos.zip", _zip([("a.jpg", b"not really")]), max_bytes=LIMIT)


def test_it_refuses_documents_with_macros():
    with pytest.raises(RefusedFile, match="macros"):
        sanitize_upload("letter.docx", _docx(extra=[("word/vbaProject.bin", b"x")]), max_bytes=LIMIT)


def test_it_refuses_entries_that_would_escape_a_folder_when_unzipped():
    with pytest.raises(RefusedFile):
        sanitize_upload("letter.docx", _docx(extra=[("../../evil.sh", b"x")]), max_bytes=LIMIT)
