"""Reading back what the aid app renders: PDF text through poppler's pdftotext, DOCX through python-docx."""

from __future__ import annotations

import io
import subprocess


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-"), "not a PDF"
    result = subprocess.run(
        ["/usr/bin/pdftotext", "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode("utf-8")


def docx_text(content: bytes) -> str:
    from docx import Document

    return "\n".join(paragraph.text for paragraph in Document(io.BytesIO(content)).paragraphs)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content
