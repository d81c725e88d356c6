"""Upload sanitizer of the intake: every uploaded file is cleaned in memory before it is encrypted.

Threat 4 (anonymous sources identified): files carry metadata (GPS position, camera serial, author
account names, dates) that can name or place the person who sent them. Each accepted kind is rebuilt
without it, and the source is told, in plain words, what was removed.
Threats to the server and to staff: programs, archives, disguised files (a name that lies about the
content), decompression bombs and malformed files are refused with a message that says what to send
instead. A refused upload leaves nothing behind: it is only ever held in memory (videos: in memory
files that are closed on return).

Pure functions of bytes in, bytes out; no models, no views, no storage. Usage::

    try:
        clean = sanitize_upload(upload.name, upload.read(), max_bytes=LIMIT)
    except RefusedFile as refusal:
        form.add_error("file", refusal.message)
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from .audio import clean_audio
from .detect import Kind, detect
from .images import clean_image
from .office import clean_office
from .pdf import clean_pdf
from .result import CleanFile, RefusedFile, unreadable
from .text import clean_text
from .video import clean_video, ffmpeg_available

__all__ = ["CleanFile", "RefusedFile", "accepted_kinds", "sanitize_upload"]

# Kind.family -> the cleaner for it; each is a function of (bytes, kind) to a CleanFile.
_CLEANERS: dict[str, Callable[[bytes, Kind], CleanFile]] = {
    "image": clean_image,
    "pdf": clean_pdf,
    "office": clean_office,
    "audio": clean_audio,
    "video": clean_video,
    "text": clean_text,
}


def sanitize_upload(filename: str, data: bytes, *, max_bytes: int) -> CleanFile:
    """Clean ``data`` or raise RefusedFile; no other exception escapes, whatever the input."""
    if not data:
        raise RefusedFile(_("This file is empty. Please choose the file again and send it."))
    if len(data) > max_bytes:
        raise RefusedFile(
            _(
                "This file is too large: the limit is %(limit)s MB. Please send a smaller file, "
                "for example a shorter recording or a photo instead of a scan."
            )
            % {"limit": max(1, max_bytes // (1024 * 1024))}
        )
    name_extension = _extension(filename)
    kind = detect(data, name_extension)
    if not kind.allows_name(name_extension):
        raise RefusedFile(
            _(
                "The name of this file ends in %(extension)s, but its content is a different kind of "
                "file. Please send the original file without renaming it."
            )
            % {"extension": name_extension}
        )
    try:
        return _CLEANERS[kind.family](data, kind)
    except RefusedFile:
        raise
    except Exception:
        # Parsers of untrusted formats fail in many ways; whatever they raise, the answer to the
        # sender is the same, and the exception (which may quote the file) goes nowhere.
        raise unreadable(kind.label) from None


def _extension(filename: str) -> str:
    """The lower-cased extension of the name's last component, "" when there is none."""
    base = posixpath.basename(str(filename).replace("\\", "/"))
    return posixpath.splitext(base)[1].lower()


def accepted_kinds() -> list[str]:
    """Plain-language list of what can be sent, for the form's help text."""
    kinds = [
        _("photos (JPEG, PNG, WebP)"),
        _("PDF documents"),
        _("Word, Excel and PowerPoint files (.docx, .xlsx, .pptx)"),
        _("OpenDocument files (.odt, .ods, .odp)"),
        _("audio recordings (MP3, OGG, Opus, M4A, FLAC, WAV)"),
    ]
    if ffmpeg_available():
        kinds.append(_("videos (MP4, MOV, WebM)"))
    kinds.append(_("plain text files (.txt)"))
    return [str(kind) for kind in kinds]
