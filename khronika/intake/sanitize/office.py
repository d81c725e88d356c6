"""Office documents (OOXML .docx/.xlsx/.pptx, OpenDocument .odt/.ods/.odp): rewrite the zip in memory.

Threat 4: the properties parts name the author and the last person who saved it (usually the
computer's account name), the company, dates and editing time. They are replaced by neutral ones;
every zip entry gets a fixed date (entry dates are the author's local time) and loses its "extra"
fields (owner ids, precise times); the zip comment is dropped.
Threat to the server: a zip bomb (tiny file, gigabytes once inflated) is refused from the sizes in the
directory before anything is inflated, and reads are capped in case the directory lies.
All XML the sender wrote is parsed with defusedxml (no entity expansion, no external entities).
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .detect import DOCUMENT, Kind
from .result import CleanFile, RefusedFile, too_large_inside, unreadable

MAX_ENTRIES = 5_000
MAX_TOTAL_UNCOMPRESSED = 256 * 1024 * 1024
MAX_RATIO = 200  # inflated size / stored size of one entry; real documents stay well below 100
_RATIO_APPLIES_ABOVE = 1024 * 1024
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)

_NEUTRAL_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/'
    b'terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)
_NEUTRAL_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
)
_NEUTRAL_CUSTOM = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>'
)
_NEUTRAL_META = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'office:version="1.2"><office:meta/></office:document-meta>'
)
_NEUTRAL_PARTS = {
    "docProps/core.xml": _NEUTRAL_CORE,
    "docProps/app.xml": _NEUTRAL_APP,
    "docProps/custom.xml": _NEUTRAL_CUSTOM,
    "meta.xml": _NEUTRAL_META,
}

# Local element names in the properties parts -> what a source is told was removed.
_FIELD_LABELS = {
    "creator": pgettext_lazy("removed metadata", "author name"),
    "initial-creator": pgettext_lazy("removed metadata", "author name"),
    "lastModifiedBy": pgettext_lazy("removed metadata", "name of the last person who changed it"),
    "created": pgettext_lazy("removed metadata", "creation and change dates"),
    "modified": pgettext_lazy("removed metadata", "creation and change dates"),
    "creation-date": pgettext_lazy("removed metadata", "creation and change dates"),
    "date": pgettext_lazy("removed metadata", "creation and change dates"),
    "lastPrinted": pgettext_lazy("removed metadata", "date last printed"),
    "print-date": pgettext_lazy("removed metadata", "date last printed"),
    "printed-by": pgettext_lazy("removed metadata", "name of the person who printed it"),
    "title": pgettext_lazy("removed metadata", "title"),
    "subject": pgettext_lazy("removed metadata", "subject and keywords"),
    "keywords": pgettext_lazy("removed metadata", "subject and keywords"),
    "keyword": pgettext_lazy("removed metadata", "subject and keywords"),
    "description": pgettext_lazy("removed metadata", "comments"),
    "Company": pgettext_lazy("removed metadata", "company name"),
    "Manager": pgettext_lazy("removed metadata", "manager name"),
    "Application": pgettext_lazy("removed metadata", "program that created it"),
    "generator": pgettext_lazy("removed metadata", "program that created it"),
    "TotalTime": pgettext_lazy("removed metadata", "editing time"),
    "editing-duration": pgettext_lazy("removed metadata", "editing time"),
    "revision": pgettext_lazy("removed metadata", "revision count"),
    "editing-cycles": pgettext_lazy("removed metadata", "revision count"),
    "user-defined": pgettext_lazy("removed metadata", "custom document properties"),
    "property": pgettext_lazy("removed metadata", "custom document properties"),
}
_PEOPLE_LABEL = pgettext_lazy("removed metadata", "names of people who commented or tracked changes")
# Office keeps the names (and account ids, often an e-mail address) of everyone who commented or
# tracked changes, on every comment and change. Blanked in place with a byte-level substitution: an
# attribute value cannot contain '"' and an element text cannot contain '<', and re-serialising the
# XML with ElementTree would rename namespace prefixes, which Office rejects.
_PEOPLE_PATTERNS = (
    # Word: tracked changes and comments (w:author, w:initials); people.xml (w15:author, w15:userId).
    ("word/", re.compile(rb'(\sw(?:15)?:(?:author|initials|userId|providerId))="[^"]*"'), rb'\1=""'),
    # Excel: legacy comment authors; threaded-comment persons.
    ("xl/comments", re.compile(rb"(<author>)[^<]*(</author>)"), rb"\1\2"),
    ("xl/persons/", re.compile(rb'(\s(?:displayName|userId|providerId))="[^"]*"'), rb'\1=""'),
    # PowerPoint: comment authors.
    ("ppt/commentAuthors", re.compile(rb'(\s(?:name|initials))="[^"]*"'), rb'\1=""'),
    ("ppt/authors", re.compile(rb'(\s(?:name|initials|userId|providerId))="[^"]*"'), rb'\1=""'),
)


def clean_office(data: bytes, kind: Kind) -> CleanFile:
    """Rewrite the document's zip without personal properties."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            entries = _checked_entries(source)
            out = io.BytesIO()
            found: list[str] = []
            with zipfile.ZipFile(out, "w") as target:
                for info in entries:
                    content = _read_capped(source, info)
                    if info.filename in _NEUTRAL_PARTS:
                        found.extend(_describe_properties(content))
                        content = _NEUTRAL_PARTS[info.filename]
                    else:
                        blanked = _blank_people(info.filename, content)
                        if blanked != content:
                            found.append(str(_PEOPLE_LABEL))
                            content = blanked
                    clean_info = zipfile.ZipInfo(info.filename, date_time=_FIXED_DATE)
                    clean_info.compress_type = info.compress_type
                    clean_info.external_attr = 0o644 << 16
                    target.writestr(clean_info, content)
    except RefusedFile:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, RuntimeError, OSError):
        raise unreadable(DOCUMENT) from None
    return CleanFile(out.getvalue(), kind.media_type, kind.extension, tuple(dict.fromkeys(found)))


def _blank_people(name: str, content: bytes) -> bytes:
    if not name.endswith(".xml"):
        return content
    for prefix, pattern, replacement in _PEOPLE_PATTERNS:
        if name.startswith(prefix):
            content = pattern.sub(replacement, content)
    return content


def _checked_entries(source: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The entries, after refusing bombs, encryption, macros and names that could escape a folder."""
    entries = source.infolist()
    if len(entries) > MAX_ENTRIES:
        raise too_large_inside(DOCUMENT)
    total = 0
    names: set[str] = set()
    for info in entries:
        total += info.file_size
        ratio_too_high = info.file_size > _RATIO_APPLIES_ABOVE and (
            info.file_size > MAX_RATIO * max(info.compress_size, 1)
        )
        if total > MAX_TOTAL_UNCOMPRESSED or ratio_too_high:
            raise too_large_inside(DOCUMENT)
        if info.flag_bits & 0x1:
            raise RefusedFile(
                _(
                    "This document is protected with a password, so we cannot check or clean it. "
                    "Please remove the password and send it again, or send it as a PDF."
                )
            )
        if info.compress_type not in {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}:
            raise unreadable(DOCUMENT)
        name = info.filename
        # Threat: a name like "../../.bashrc" or a duplicate entry tricks whoever later unzips it.
        if name in names or name.startswith("/") or "\\" in name or ".." in name.split("/"):
            raise unreadable(DOCUMENT)
        names.add(name)
        if name.lower().endswith("vbaproject.bin"):
            raise RefusedFile(
                _(
                    "This document contains macros (small programs), which we do not accept. "
                    "Please save it as an ordinary .docx, .xlsx or .pptx file, or as a PDF."
                )
            )
    return entries  # in their order: OpenDocument's "mimetype" must stay first (and uncompressed)


def _read_capped(source: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The entry's content, never more than its declared size (the directory may lie)."""
    with source.open(info) as handle:
        content = handle.read(info.file_size + 1)
    if len(content) != info.file_size:
        raise unreadable(DOCUMENT)
    return content


def _describe_properties(content: bytes) -> list[str]:
    """What a properties part held, as plain-language labels; unreadable parts count as "other"."""
    try:
        root: Element = SafeET.fromstring(content)
    except Exception:  # defusedxml refusals and malformed XML alike: the part is replaced anyway
        return (
            [str(pgettext_lazy("removed metadata", "other document properties"))] if content.strip() else []
        )
    found: list[str] = []
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        has_value = bool((element.text or "").strip())
        if local in _FIELD_LABELS and (has_value or local in {"user-defined", "property"}):
            found.append(str(_FIELD_LABELS[local]))
    return found
