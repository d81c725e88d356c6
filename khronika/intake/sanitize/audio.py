"""Audio recordings: delete every tag with mutagen (WAV: keep only the sound chunks).

Threat 4: recorder and phone apps write the place (sometimes GPS coordinates), the date, the device
or account owner's name, the software, and cover pictures into tags. All of them go; the sound is
copied bit for bit, so nothing of the recording as evidence changes.
"""

from __future__ import annotations

import io
from typing import Any

import mutagen
from django.utils.translation import pgettext_lazy
from mutagen.apev2 import APENoHeaderError, APEv2
from mutagen.apev2 import delete as delete_apev2
from mutagen.flac import FLAC
from mutagen.id3 import delete as delete_id3
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from . import isobmff
from .detect import FLAC as FLAC_KIND
from .detect import M4A, OGG_OPUS, OGG_VORBIS, RECORDING, WAV, Kind
from .detect import MP3 as MP3_KIND
from .result import CleanFile, unreadable

_TITLE = pgettext_lazy("removed metadata", "title")
_AUTHOR = pgettext_lazy("removed metadata", "author or performer name")
_DATE = pgettext_lazy("removed metadata", "date recorded")
_COMMENTS = pgettext_lazy("removed metadata", "comments")
_SOFTWARE = pgettext_lazy("removed metadata", "software name")
_LOCATION = pgettext_lazy("removed metadata", "location")
_PICTURE = pgettext_lazy("removed metadata", "cover picture")
_OTHER = pgettext_lazy("removed metadata", "other tags")
_DETAILS = pgettext_lazy("removed metadata", "recording details (names, dates, software)")

# Tag names (ID3 frame ids, Vorbis comment and MP4 atom names), lower-cased -> label.
_TAG_LABELS = {
    **dict.fromkeys(["tit2", "title", "©nam"], _TITLE),
    **dict.fromkeys(
        [
            "tpe1",
            "tpe2",
            "tpe3",
            "tcom",
            "text",
            "tope",
            "tola",
            "artist",
            "albumartist",
            "composer",
            "performer",
            "author",
            "©art",
            "aart",
            "©wrt",
        ],
        _AUTHOR,
    ),
    **dict.fromkeys(
        ["tdrc", "tyer", "tdat", "time", "tdrl", "tden", "tory", "tdor", "date", "year", "©day"], _DATE
    ),
    **dict.fromkeys(["comm", "uslt", "comment", "description", "lyrics", "©cmt", "desc", "©lyr"], _COMMENTS),
    **dict.fromkeys(["tsse", "tenc", "encoder", "encoded_by", "encodedby", "©too", "©enc"], _SOFTWARE),
    **dict.fromkeys(["location", "©xyz", "geo", "gps"], _LOCATION),
    **dict.fromkeys(["apic", "metadata_block_picture", "covr"], _PICTURE),
}
_WAV_SOUND_CHUNKS = {b"fmt ", b"data", b"fact"}
_WAV_PADDING_CHUNKS = {b"JUNK", b"junk", b"PAD ", b"FLLR"}
_WAV_DETAIL_CHUNKS = {b"LIST", b"id3 ", b"ID3 ", b"bext", b"iXML", b"_PMX", b"XMP "}


def clean_audio(data: bytes, kind: Kind) -> CleanFile:
    """Remove all tags; refuse what mutagen cannot read as the detected format."""
    if kind is WAV:
        content, removed = _clean_wav(data)
        return CleanFile(content, kind.media_type, kind.extension, removed)
    buffer = io.BytesIO(data)
    try:
        found = _remove_tags(buffer, kind)
        _PARSERS[kind](io.BytesIO(buffer.getvalue()))  # the cleaned file must still be a recording
    except (mutagen.MutagenError, IndexError, ValueError, EOFError):  # mutagen's parsers raise all of them
        raise unreadable(RECORDING) from None
    return CleanFile(buffer.getvalue(), kind.media_type, kind.extension, found)


def _remove_tags(buffer: io.BytesIO, kind: Kind) -> tuple[str, ...]:
    audio = _PARSERS[kind](buffer)
    tags: Any = audio.tags  # mutagen is only partly annotated: each format has its own tag class
    keys = [str(key) for key in (tags.keys() if tags is not None else [])]
    if kind is FLAC_KIND and isinstance(audio, FLAC):
        if audio.pictures:
            keys.append("metadata_block_picture")
        audio.clear_pictures()  # type: ignore[no-untyped-call]  # mutagen lacks annotations here
        if tags is not None:
            tags.clear()
        buffer.seek(0)
        audio.save(buffer, deleteid3=True)
    elif kind is MP3_KIND:
        buffer.seek(0)
        delete_id3(buffer)
        buffer.seek(0)
        try:
            APEv2(buffer)  # type: ignore[no-untyped-call]  # mutagen lacks annotations here
        except APENoHeaderError:
            pass
        else:
            keys.append("apev2")
            buffer.seek(0)
            delete_apev2(buffer)
    else:
        buffer.seek(0)
        audio.delete(buffer)
    found = _labels(keys)
    if kind is M4A:
        content = bytearray(buffer.getvalue())
        found = tuple(dict.fromkeys([*found, *isobmff.scrub(content)]))
        buffer.seek(0)
        buffer.truncate()
        buffer.write(content)
    return found


def _labels(keys: list[str]) -> tuple[str, ...]:
    found: list[str] = []
    for key in keys:
        name = key.lower()
        label = _TAG_LABELS.get(name) or _TAG_LABELS.get(name[:4]) or _TAG_LABELS.get(name.split(":")[0])
        found.append(str(label or _OTHER))
    return tuple(dict.fromkeys(found))


def _clean_wav(data: bytes) -> tuple[bytes, tuple[str, ...]]:
    """Rebuild the RIFF file from its format and sound chunks only."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise unreadable(RECORDING)
    position = 12
    kept: list[bytes] = []
    found: list[str] = []
    seen: set[bytes] = set()
    while position + 8 <= len(data):
        chunk_id = data[position : position + 4]
        size = int.from_bytes(data[position + 4 : position + 8], "little")
        body = data[position + 8 : position + 8 + size]
        if len(body) < size and chunk_id != b"data":
            raise unreadable(RECORDING)
        # A recorder that stopped abruptly leaves a placeholder size on "data": keep what is there.
        size = len(body)
        if chunk_id in _WAV_SOUND_CHUNKS and chunk_id not in seen:
            seen.add(chunk_id)
            kept.append(chunk_id + size.to_bytes(4, "little") + body + (b"\x00" if size & 1 else b""))
        elif chunk_id in _WAV_DETAIL_CHUNKS:
            found.append(str(_DETAILS))
        elif chunk_id not in _WAV_SOUND_CHUNKS | _WAV_PADDING_CHUNKS:
            found.append(str(_OTHER))
        position += 8 + size + (size & 1)
    if not {b"fmt ", b"data"} <= seen:
        raise unreadable(RECORDING)
    body = b"WAVE" + b"".join(kept)
    content = b"RIFF" + len(body).to_bytes(4, "little") + body
    try:
        WAVE(io.BytesIO(content))  # type: ignore[no-untyped-call]  # mutagen lacks annotations here
    except mutagen.MutagenError:
        raise unreadable(RECORDING) from None
    return content, tuple(dict.fromkeys(found))


_PARSERS: dict[Kind, type[mutagen.FileType]] = {
    MP3_KIND: MP3,
    OGG_VORBIS: OggVorbis,
    OGG_OPUS: OggOpus,
    M4A: MP4,
    FLAC_KIND: FLAC,
}
