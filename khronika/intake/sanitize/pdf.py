"""PDF documents: drop the document information dictionary and every XMP metadata stream.

Threat 4: a PDF names its author (often the account name of the computer that wrote it), the program
and its version, when it was made and changed, and a title that may be the original file name; XMP
repeats all of it, and the file identifier (/ID) can match the copy still on the source's device.
"""

from __future__ import annotations

import io

import pikepdf
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .detect import PDF, Kind
from .result import CleanFile, RefusedFile, unreadable

_INFO_LABELS = (
    (("/Author",), pgettext_lazy("removed metadata", "author name")),
    (("/Creator",), pgettext_lazy("removed metadata", "program that created it")),
    (("/Producer",), pgettext_lazy("removed metadata", "PDF software name")),
    (("/CreationDate", "/ModDate"), pgettext_lazy("removed metadata", "creation and change dates")),
    (("/Title",), pgettext_lazy("removed metadata", "title")),
    (("/Subject", "/Keywords"), pgettext_lazy("removed metadata", "subject and keywords")),
)
# Per-object metadata: XMP streams on pages and images, and programs' private editing data.
_OBJECT_METADATA_KEYS = ("/Metadata", "/PieceInfo")


def clean_pdf(data: bytes, kind: Kind = PDF) -> CleanFile:
    """Rewrite the PDF without metadata; refuse encrypted or unreadable ones."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise _refused_encrypted()
            removed = _remove_metadata(pdf)
            out = io.BytesIO()
            # Streams are copied as they are, never decompressed: a small file with a huge
            # compressed stream (a decompression bomb) then costs no memory. The new /ID is derived
            # from the content, so it no longer matches the original file's.
            pdf.save(
                out,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
                deterministic_id=True,
            )
    except RefusedFile:
        raise
    except pikepdf.PasswordError:
        raise _refused_encrypted() from None
    except (pikepdf.PdfError, pikepdf.ForeignObjectError, ValueError, TypeError, RuntimeError, OSError):
        raise unreadable(kind.label) from None
    return CleanFile(out.getvalue(), kind.media_type, kind.extension, removed)


def _remove_metadata(pdf: pikepdf.Pdf) -> tuple[str, ...]:
    found: list[str] = []
    info = pdf.trailer.get("/Info")
    if isinstance(info, pikepdf.Dictionary):
        for keys, label in _INFO_LABELS:
            if any(key in info for key in keys):
                found.append(str(label))
        if set(info.keys()) - {key for keys, _label in _INFO_LABELS for key in keys}:
            found.append(str(pgettext_lazy("removed metadata", "other document properties")))
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]
    xmp = False
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            for key in _OBJECT_METADATA_KEYS:
                if key in obj:
                    xmp = xmp or key == "/Metadata"
                    del obj[key]
    if xmp:
        found.append(str(pgettext_lazy("removed metadata", "XMP metadata")))
    return tuple(found)


def _refused_encrypted() -> RefusedFile:
    return RefusedFile(
        _(
            "This PDF is protected with a password or encryption, so we cannot check or clean it. "
            "Please remove the protection (for example, print it to a new PDF) and send it again."
        )
    )
