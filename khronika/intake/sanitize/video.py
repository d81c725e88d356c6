"""Videos: remux with ffmpeg, dropping every metadata field and chapter, without touching the disk.

Threat 4: phone videos carry the GPS position, the phone's make and model, the recording time and
the software in container tags. ``-map_metadata -1 -map_chapters -1`` drops them, ``-c copy`` keeps
the audio and video streams bit for bit, and only video and audio streams are kept (phones add data
tracks that may hold locations). Bit-exact muxing keeps ffmpeg from writing its own name and version.

Threat 1 (seized disk): the upload never reaches the disk in clear. ffmpeg reads the input from an
anonymous in-memory file (memfd) and writes the output to another one, both passed as inherited
descriptors and named ``/dev/fd/N``; both are closed, and so freed, when we are done.

Threat to the server: ffmpeg parses untrusted input. The demuxer is forced from the detected kind, so
a file cannot make ffmpeg treat it as a playlist that opens other files or URLs, only the file
protocol is allowed, and the run has a time limit.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .detect import MOV, MP4, VIDEO, WEBM, Kind
from .result import CleanFile, RefusedFile, unreadable

TIMEOUT_SECONDS = 120
_DEMUXERS = {MP4: "mov", MOV: "mov", WEBM: "matroska"}
_MUXERS = {MP4: "mp4", MOV: "mov", WEBM: "webm"}

# Container tag names, lower-cased -> what a source is told was removed.
_TAG_LABELS = {
    "location": pgettext_lazy("removed metadata", "GPS location"),
    "location-eng": pgettext_lazy("removed metadata", "GPS location"),
    "com.apple.quicktime.location.iso6709": pgettext_lazy("removed metadata", "GPS location"),
    "com.android.capture.fps": pgettext_lazy("removed metadata", "other recording details"),
    "make": pgettext_lazy("removed metadata", "camera make and model"),
    "model": pgettext_lazy("removed metadata", "camera make and model"),
    "com.apple.quicktime.make": pgettext_lazy("removed metadata", "camera make and model"),
    "com.apple.quicktime.model": pgettext_lazy("removed metadata", "camera make and model"),
    "creation_time": pgettext_lazy("removed metadata", "date recorded"),
    "date": pgettext_lazy("removed metadata", "date recorded"),
    "com.apple.quicktime.creationdate": pgettext_lazy("removed metadata", "date recorded"),
    "encoder": pgettext_lazy("removed metadata", "software name"),
    "com.apple.quicktime.software": pgettext_lazy("removed metadata", "software name"),
    "title": pgettext_lazy("removed metadata", "title"),
    "comment": pgettext_lazy("removed metadata", "comments"),
    "description": pgettext_lazy("removed metadata", "comments"),
    "artist": pgettext_lazy("removed metadata", "author name"),
    "author": pgettext_lazy("removed metadata", "author name"),
}
# Tags that only describe the container or stream format; reporting them would alarm for nothing.
_TECHNICAL_TAGS = {
    "major_brand",
    "minor_version",
    "compatible_brands",
    "handler_name",
    "vendor_id",
    "language",
    "duration",
    "rotate",
}


def ffmpeg_available() -> bool:
    return shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


def clean_video(data: bytes, kind: Kind) -> CleanFile:
    """Remux the video without metadata; refuse if ffmpeg is missing or cannot read it."""
    ffmpeg, ffprobe = shutil.which("ffmpeg"), shutil.which("ffprobe")
    if ffmpeg is None or ffprobe is None:
        raise RefusedFile(
            _(
                "This server cannot clean videos yet, so we cannot accept them. Please describe what "
                "the video shows in your report, or send a few screenshots from it."
            )
        )
    with _memfd("khronika-upload", data) as source, _memfd("khronika-clean", b"") as target:
        removed = _describe_metadata(ffprobe, source, kind)
        command = [
            ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error",
            "-protocol_whitelist", "file",
            "-f", _DEMUXERS[kind], "-i", f"/dev/fd/{source}",
            "-map", "0:v?", "-map", "0:a?", "-map_metadata", "-1", "-map_chapters", "-1",
            "-c", "copy", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
            "-f", _MUXERS[kind], "-y", f"/dev/fd/{target}",
        ]  # fmt: skip
        _run(command, (source, target))
        os.lseek(target, 0, os.SEEK_SET)
        content = _read_all(target)
    if not content:
        raise unreadable(VIDEO)
    return CleanFile(content, kind.media_type, kind.extension, removed)


def _describe_metadata(ffprobe: str, source: int, kind: Kind) -> tuple[str, ...]:
    command = [
        ffprobe, "-hide_banner", "-loglevel", "error", "-protocol_whitelist", "file",
        "-f", _DEMUXERS[kind], "-show_entries", "format_tags:stream_tags:stream=codec_type",
        "-of", "json", f"/dev/fd/{source}",
    ]  # fmt: skip
    output = _run(command, (source,))
    try:
        probed = json.loads(output)
        sections = [probed.get("format", {}), *probed.get("streams", [])]
        if not any(stream.get("codec_type") in {"video", "audio"} for stream in probed.get("streams", [])):
            raise unreadable(VIDEO)
        tags = {str(name).lower() for section in sections for name in section.get("tags", {})}
    except (ValueError, AttributeError, TypeError):
        raise unreadable(VIDEO) from None
    found = [
        str(_TAG_LABELS.get(tag, pgettext_lazy("removed metadata", "other recording details")))
        for tag in sorted(tags - _TECHNICAL_TAGS)
    ]
    return tuple(dict.fromkeys(found))


def _run(command: list[str], fds: tuple[int, ...]) -> bytes:
    try:
        finished = subprocess.run(  # noqa: S603 - fixed argument list, no shell; input is a descriptor
            command,
            pass_fds=fds,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        )
    except subprocess.TimeoutExpired:
        raise unreadable(VIDEO) from None
    if finished.returncode != 0:
        # ffmpeg's error text may quote tags from the file: it is not logged or shown.
        raise unreadable(VIDEO)
    return finished.stdout


@contextmanager
def _memfd(name: str, content: bytes) -> Iterator[int]:
    """An anonymous in-memory file holding ``content``, closed (and freed) on exit."""
    fd = os.memfd_create(name, os.MFD_CLOEXEC)
    try:
        view = memoryview(content)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.lseek(fd, 0, os.SEEK_SET)
        yield fd
    finally:
        os.close(fd)


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    while chunk := os.read(fd, 1024 * 1024):
        chunks.append(chunk)
    return b"".join(chunks)
