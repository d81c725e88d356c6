"""PDFs lose their document information and XMP metadata; encrypted PDFs are refused."""

import io

import pikepdf
import pytest

from khronika.intake.sanitize import RefusedFile, sanitize_upload

LIMIT = 10 * 1024 * 1024


def _pdf(encryption=None):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = ["Synthetic Author"]
    pdf.docinfo["/Author"] = "Synthetic Author"
    pdf.docinfo["/Creator"] = "SynthWriter 3"
    pdf.docinfo["/Title"] = "notes-from-the-meeting"
    out = io.BytesIO()
    pdf.save(out, encryption=encryption or False)
    return out.getvalue()


def test_it_removes_the_author_title_and_xmp_from_a_pdf():
    original = _pdf()
    assert b"Synthetic Author" in original

    clean = sanitize_upload("report.pdf", original, max_bytes=LIMIT)

    assert clean.media_type == "application/pdf" and clean.extension == ".pdf"
    assert b"Synthetic Author" not in clean.content and b"SynthWriter" not in clean.content
    with pikepdf.open(io.BytesIO(clean.content)) as pdf:
        assert len(pdf.pages) == 1
        assert "/Info" not in pdf.trailer
        assert "/Metadata" not in pdf.Root
    for described in ("author name", "program that created it", "title", "XMP metadata"):
        assert described in clean.removed


def test_it_refuses_a_pdf_with_a_password():
    data = _pdf(encryption=pikepdf.Encryption(owner="synthetic-owner", user="synthetic-user"))

    with pytest.raises(RefusedFile, match="password"):
        sanitize_upload("locked.pdf", data, max_bytes=LIMIT)


def test_it_refuses_an_encrypted_pdf_that_opens_without_a_password():
    data = _pdf(encryption=pikepdf.Encryption(owner="synthetic-owner", user=""))

    with pytest.raises(RefusedFile, match="encryption"):
        sanitize_upload("restricted.pdf", data, max_bytes=LIMIT)


def test_it_refuses_a_broken_pdf():
    with pytest.raises(RefusedFile, match="damaged or incomplete"):
        sanitize_upload("broken.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 50, max_bytes=LIMIT)
