"""Turning a letter or a case summary into PDF (WeasyPrint) and DOCX (python-docx), in memory.

Nothing rendered here is stored: the file goes to the browser and is gone (threat model 1: a generated
letter would be one more copy of a person's name on the disk). What these files must not carry:
- the name of the staff member who made them (DOCX core properties are blanked; python-docx would
  otherwise write "python-docx" and a creation time, and Word would add the account name on save);
- any request to another host (WeasyPrint's URL fetcher is refused everything: the HTML is self-made,
  fonts come from the system's fontconfig, DejaVu, which covers Cyrillic).

WeasyPrint is imported inside the function that renders: pages that never make a PDF never load it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.template.loader import render_to_string

# Fields left for the lawyer to complete are written in square brackets: "[full name]".
FIELD_TO_COMPLETE = re.compile(r"(\[[^\[\]\n]{1,200}\])")

PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Letter:
    """A letter as edited by the lawyer: a title and its text, paragraphs separated by blank lines."""

    title: str
    text: str
    language: str
    draft: bool = False  # shown as a draft on every page: for the lawyer to complete, never to send as is

    def paragraphs(self) -> list[str]:
        return [
            block.strip() for block in re.split(r"\n\s*\n", self.text.replace("\r\n", "\n")) if block.strip()
        ]


def split_fields(paragraph: str) -> list[tuple[str, bool]]:
    """[(text, is a field to complete)] in order, so both renderers can mark the fields."""
    return [
        (part, bool(FIELD_TO_COMPLETE.fullmatch(part))) for part in FIELD_TO_COMPLETE.split(paragraph) if part
    ]


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """WeasyPrint's URL fetcher: nothing is fetched, from the network or from the disk."""
    raise ValueError(f"Khronika documents load no external resources ({url[:40]})")


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot load here (Pango is missing): the page says so instead of failing blankly."""


def html_to_pdf(html: str) -> bytes:
    # Lazy: only the pages that render a PDF need it. WeasyPrint ships no type information.
    from PIL import ImageFile

    try:
        from weasyprint import HTML  # type: ignore[import-untyped]
    except (OSError, ImportError):  # its C libraries (Pango) are not installed on this machine
        raise PdfUnavailable() from None

    # WeasyPrint's import switches Pillow, process-wide, to accepting truncated images; the intake
    # upload cleaner in this same process must keep refusing them (a damaged upload could hide
    # whatever follows the broken data), so the setting goes back at once. Our PDFs embed no images.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    pdf: bytes = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    return pdf


def letter_pdf(letter: Letter) -> bytes:
    lines = [[{"text": text, "field": field} for text, field in split_fields(p)] for p in letter.paragraphs()]
    html = render_to_string(
        "aid/print/letter.html", {"letter": letter, "paragraphs": lines, "banner": DRAFT_BANNER}
    )
    return html_to_pdf(html)


def letter_docx(letter: Letter) -> bytes:
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX

    document = Document()
    _blank_properties(document)
    if letter.draft:
        banner = document.add_paragraph()
        run = banner.add_run(DRAFT_BANNER)
        run.bold = True
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        # A Russian letter carries its own heading («ЗАЯВЛЕНИЕ») below the addressee block.
        document.add_heading(letter.title, level=1)
    for paragraph in letter.paragraphs():
        out = document.add_paragraph()
        for line_number, line in enumerate(paragraph.split("\n")):
            if line_number:
                out.add_run().add_break()
            for text, field in split_fields(line):
                run = out.add_run(text)
                if field:
                    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# English on purpose: the drafts for the UN and the European Court are written in English.
DRAFT_BANNER = "DRAFT for the lawyer to complete: not sent. Fields to complete are in [square brackets]."


def _blank_properties(document: Any) -> None:
    """No author, no tool name, a fixed date: a file found on a seized laptop names nobody."""
    properties = document.core_properties
    properties.author = ""
    properties.last_modified_by = ""
    properties.comments = ""
    properties.title = ""
    properties.created = datetime(2000, 1, 1, tzinfo=UTC)
    properties.modified = datetime(2000, 1, 1, tzinfo=UTC)
    properties.revision = 1
