"""In-place scrubbing of the metadata boxes of an ISO base media file (.m4a), after mutagen.

mutagen removes the iTunes-style tag list (``moov/udta/meta/ilst``) only. Recorders also write
QuickTime user data beside it (``©xyz`` is a GPS position, ``©mak``/``©mod`` the device), Apple's
``moov/meta`` keys, and the time of recording into the movie, track and media headers. Each such box
is turned into a ``free`` box of the same size filled with zeros, and the header times are zeroed:
nothing moves, so the offsets that point into the sound data stay right and the sound is untouched.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

_METADATA_BOXES = {b"udta", b"meta"}
_HEADERS_WITH_TIMES = {b"mvhd", b"tkhd", b"mdhd"}
_DESCEND_INTO = {b"moov", b"trak", b"mdia"}
_USER_DATA_LABELS = {
    b"\xa9xyz": pgettext_lazy("removed metadata", "GPS location"),
    b"\xa9mak": pgettext_lazy("removed metadata", "camera make and model"),
    b"\xa9mod": pgettext_lazy("removed metadata", "camera make and model"),
}
_OTHER = pgettext_lazy("removed metadata", "other recording details")
_DATE = pgettext_lazy("removed metadata", "date recorded")


def scrub(content: bytearray) -> list[str]:
    """Blank metadata boxes and header times in ``content``; say what was there."""
    found: list[Promise] = []
    _walk(content, 0, len(content), found)
    return [str(label) for label in found]


def _boxes(content: bytearray, start: int, end: int) -> list[tuple[bytes, int, int, int]]:
    """(type, box start, payload start, box end) of each box between start and end."""
    boxes = []
    position = start
    while position + 8 <= end:
        size = int.from_bytes(content[position : position + 4], "big")
        kind = bytes(content[position + 4 : position + 8])
        header = 8
        if size == 1 and position + 16 <= end:
            size, header = int.from_bytes(content[position + 8 : position + 16], "big"), 16
        elif size == 0:
            size = end - position
        if size < header or position + size > end:
            raise ValueError("box size out of bounds")
        boxes.append((kind, position, position + header, position + size))
        position += size
    return boxes


def _walk(content: bytearray, start: int, end: int, found: list[Promise]) -> None:
    for kind, box_start, payload, box_end in _boxes(content, start, end):
        if kind in _DESCEND_INTO:
            _walk(content, payload, box_end, found)
        elif kind in _HEADERS_WITH_TIMES:
            _zero_times(content, payload, box_end, found)
        elif kind in _METADATA_BOXES:
            if kind == b"udta":
                found.extend(_describe_user_data(content, payload, box_end))
            elif any(content[payload:box_end]):
                found.append(_OTHER)
            content[box_start + 4 : box_start + 8] = b"free"
            content[payload:box_end] = bytes(box_end - payload)


def _describe_user_data(content: bytearray, start: int, end: int) -> list[Promise]:
    labels: list[Promise] = []
    for kind, _box_start, _payload, _box_end in _boxes(content, start, end):
        if kind in _USER_DATA_LABELS:
            labels.append(_USER_DATA_LABELS[kind])
        elif kind not in {b"meta", b"free"}:
            labels.append(_OTHER)
    return labels


def _zero_times(content: bytearray, payload: int, end: int, found: list[Promise]) -> None:
    """Version 0 headers hold 32-bit creation and modification times, version 1 64-bit ones."""
    width = 8 if content[payload] == 1 else 4
    times = slice(payload + 4, payload + 4 + 2 * width)
    if times.stop <= end and any(content[times]):
        found.append(_DATE)
        content[times] = bytes(2 * width)
