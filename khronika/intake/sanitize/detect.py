"""Which kind of file an upload is, decided from its first bytes and never from its name.

Threat: a sender (or someone feeding a source a booby-trapped file) names a program or an archive
``photo.jpg``; staff who later download it would open it with whatever the name says. The content
decides the kind, the name must agree with it, and the cleaned file gets the extension of its content.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .result import RefusedFile, unreadable


@dataclass(frozen=True)
class Kind:
    """One accepted kind of file: which cleaner handles it and what the cleaned file is called."""

    family: str  # the cleaner module: image, pdf, office, audio, video, text
    media_type: str
    extension: str  # extension of the cleaned file
    name_extensions: frozenset[str]  # file-name endings a sender may use for this content
    # How a refusal message names it. Not part of equality or the hash: it is translated text, so a
    # Kind looked up under another active language must still be the same key (images._FORMATS).
    label: str | Promise = field(compare=False)

    def allows_name(self, name_extension: str) -> bool:
        """A missing extension is no disguise; a different one is."""
        return name_extension == "" or name_extension in self.name_extensions


def _kind(family: str, media_type: str, extension: str, names: set[str], label: str | Promise) -> Kind:
    return Kind(family, media_type, extension, frozenset(names), label)


PHOTO = pgettext_lazy("kind of file", "photo")
DOCUMENT = pgettext_lazy("kind of file", "document")
RECORDING = pgettext_lazy("kind of file", "audio recording")
VIDEO = pgettext_lazy("kind of file", "video")

JPEG = _kind("image", "image/jpeg", ".jpg", {".jpg", ".jpeg", ".jpe", ".jfif"}, PHOTO)
PNG = _kind("image", "image/png", ".png", {".png"}, PHOTO)
WEBP = _kind("image", "image/webp", ".webp", {".webp"}, PHOTO)
PDF = _kind("pdf", "application/pdf", ".pdf", {".pdf"}, pgettext_lazy("kind of file", "PDF document"))
_OOXML = "application/vnd.openxmlformats-officedocument."
DOCX = _kind("office", _OOXML + "wordprocessingml.document", ".docx", {".docx"}, DOCUMENT)
XLSX = _kind("office", _OOXML + "spreadsheetml.sheet", ".xlsx", {".xlsx"}, DOCUMENT)
PPTX = _kind("office", _OOXML + "presentationml.presentation", ".pptx", {".pptx"}, DOCUMENT)
_ODF = "application/vnd.oasis.opendocument."
ODT = _kind("office", _ODF + "text", ".odt", {".odt"}, DOCUMENT)
ODS = _kind("office", _ODF + "spreadsheet", ".ods", {".ods"}, DOCUMENT)
ODP = _kind("office", _ODF + "presentation", ".odp", {".odp"}, DOCUMENT)
MP3 = _kind("audio", "audio/mpeg", ".mp3", {".mp3"}, RECORDING)
OGG_VORBIS = _kind("audio", "audio/ogg", ".ogg", {".ogg", ".oga"}, RECORDING)
OGG_OPUS = _kind("audio", "audio/ogg", ".opus", {".opus", ".ogg", ".oga"}, RECORDING)
M4A = _kind("audio", "audio/mp4", ".m4a", {".m4a", ".mp4"}, RECORDING)
FLAC = _kind("audio", "audio/flac", ".flac", {".flac"}, RECORDING)
WAV = _kind("audio", "audio/wav", ".wav", {".wav"}, RECORDING)
MP4 = _kind("video", "video/mp4", ".mp4", {".mp4", ".m4v"}, VIDEO)
MOV = _kind("video", "video/quicktime", ".mov", {".mov", ".qt"}, VIDEO)
WEBM = _kind("video", "video/webm", ".webm", {".webm"}, VIDEO)
TEXT = _kind("text", "text/plain", ".txt", {".txt"}, pgettext_lazy("kind of file", "text file"))

ODF_KINDS = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
    b"application/vnd.oasis.opendocument.presentation": ODP,
}
OOXML_KINDS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}

_EXECUTABLE_MAGIC = (
    b"\x7fELF",  # Linux
    b"MZ",  # Windows
    b"\xfe\xed\xfa\xce",  # macOS (Mach-O, both byte orders and widths)
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary, Java class
    b"#!",  # scripts
    b"dex\n",  # Android
    b"\x00asm",  # WebAssembly
)
_ARCHIVE_MAGIC = (
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ\x00",
    b"\x28\xb5\x2f\xfd",  # zstandard
    b"MSCF",  # Windows cabinet
    b"PK\x05\x06",  # empty zip
    b"PK\x07\x08",  # spanned zip
)
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# ISO base media ("ftyp") brands that are HEIF/AVIF still images rather than audio or video.
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
_M4A_BRANDS = {b"M4A ", b"M4B ", b"M4P "}
# Old QuickTime files start with an atom other than "ftyp".
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def refused_archive() -> RefusedFile:
    return RefusedFile(
        _(
            "We do not accept archives (zip, rar, 7z and the like): we cannot check what is inside. "
            "Please send the files one by one instead."
        )
    )


def refused_unknown() -> RefusedFile:
    from . import accepted_kinds  # the list lives with the public API

    return RefusedFile(
        _("We cannot accept this kind of file. You can send: %(kinds)s.")
        % {"kinds": "; ".join(accepted_kinds())}
    )


def detect(data: bytes, name_extension: str) -> Kind:
    """The kind of ``data``, or RefusedFile for kinds we refuse (archives, programs, unknown)."""
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return WAV
    if head.startswith(b"%PDF-") or (name_extension == ".pdf" and b"%PDF-" in data[:1024]):
        return PDF  # readers accept a little junk before the header; a .txt quoting it is still text
    if head.startswith(b"PK\x03\x04"):
        return _classify_zip(data)
    if head.startswith(b"OggS"):
        return _classify_ogg(data)
    if head.startswith(b"fLaC"):
        return FLAC
    if head.startswith(b"ID3"):
        return FLAC if _after_id3(data).startswith(b"fLaC") else MP3
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06:
        return MP3  # an MPEG audio frame header without tags
    if head[4:8] == b"ftyp":
        return _classify_iso_media(head, name_extension)
    if head[4:8] in _QUICKTIME_ATOMS:
        return MOV
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        if b"webm" in head:
            return WEBM
        raise refused_unknown()
    if head.startswith(_OLE2_MAGIC):
        raise RefusedFile(
            _(
                "This is an old Word, Excel or PowerPoint file (.doc, .xls, .ppt), which we cannot "
                "clean. Please save it as .docx, .xlsx, .pptx or PDF and send that instead."
            )
        )
    if head.startswith(_EXECUTABLE_MAGIC):
        raise RefusedFile(
            _("We do not accept programs or scripts. Please send documents, photos or recordings.")
        )
    if head.startswith(_ARCHIVE_MAGIC) or data[257:262] == b"ustar":
        raise refused_archive()
    if name_extension in TEXT.name_extensions:
        return TEXT
    raise refused_unknown()


def _after_id3(data: bytes) -> bytes:
    """The bytes after an ID3v2 tag (whose size is four 7-bit "syncsafe" bytes)."""
    if len(data) < 10:
        return b""
    size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
    footer = 10 if data[5] & 0x10 else 0
    return data[10 + size + footer : 14 + size + footer]


def _classify_ogg(data: bytes) -> Kind:
    first_page = data[:512]
    if b"OpusHead" in first_page:
        return OGG_OPUS
    if b"\x01vorbis" in first_page:
        return OGG_VORBIS
    raise refused_unknown()  # Theora video, Speex, FLAC-in-Ogg: rare, not cleaned


def _classify_iso_media(head: bytes, name_extension: str) -> Kind:
    major = head[8:12]
    box_size = int.from_bytes(head[0:4], "big")
    compatible = {head[i : i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)}
    if major in _HEIF_BRANDS or (major not in _M4A_BRANDS and compatible & _HEIF_BRANDS and major != b"qt  "):
        raise RefusedFile(
            _(
                "This photo is in the HEIC format, which this server cannot clean yet. Please take a "
                "screenshot of it and send that, or change your camera setting to JPEG "
                '("Most Compatible" on an iPhone).'
            )
        )
    if major in _M4A_BRANDS:
        return M4A
    if major == b"qt  ":
        return MOV
    # Recorder apps often write plain "mp42"/"isom" brands for audio: a .m4a name is no disguise.
    return M4A if name_extension == ".m4a" else MP4


def _classify_zip(data: bytes) -> Kind:
    """An office document (OOXML or ODF) or, if not, an archive we refuse."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 100:
                    mimetype = archive.read(info).strip()
                    if mimetype in ODF_KINDS:
                        return ODF_KINDS[mimetype]
            if "[Content_Types].xml" in names:
                for part, kind in OOXML_KINDS.items():
                    if part in names:
                        return kind
    except Exception:  # zipfile fails in many ways on bad input (BadZipFile, zlib.error, EOFError...)
        raise unreadable(DOCUMENT) from None
    raise refused_archive()
