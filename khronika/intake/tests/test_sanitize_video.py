"""Videos are remuxed by ffmpeg without metadata, through in-memory files only.

These tests fail (never skip) when ffmpeg is missing: the server must be able to clean videos, and
scripts/install-system-packages installs it for CI.
"""

import json
import shutil
import subprocess

import pytest

from khronika.intake.sanitize import RefusedFile, accepted_kinds, sanitize_upload
from khronika.intake.sanitize import video as video_module

LIMIT = 20 * 1024 * 1024


def _ffmpeg():
    path = shutil.which("ffmpeg")
    assert path, "ffmpeg is required (scripts/install-system-packages installs it)"
    return path


def _video(tmp_path, name, codec):
    path = tmp_path / name
    command = [_ffmpeg(), "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=5:duration=1"]
    command += ["-f", "lavfi", "-i", "sine=duration=1", "-shortest", *codec]
    for tag in ("title=Synthetic title", "location=+55.7558+037.6173/", "make=Synthcam"):
        command += ["-metadata", tag]
    command += ["-metadata", "creation_time=2026-01-02T03:04:05Z", str(path)]
    subprocess.run(command, check=True)  # noqa: S603 - fixed arguments, synthetic sample
    return path.read_bytes()


def _tags(tmp_path, content, extension):
    path = tmp_path / f"cleaned{extension}"
    path.write_bytes(content)
    command = [shutil.which("ffprobe"), "-loglevel", "error", "-of", "json"]
    command += ["-show_entries", "format_tags:stream_tags:stream=codec_type", str(path)]
    probed = subprocess.run(command, check=True, capture_output=True)  # noqa: S603 - fixed arguments
    result = json.loads(probed.stdout)
    tags = dict(result["format"].get("tags", {}))
    for stream in result["streams"]:
        tags.update(stream.get("tags", {}))
    return tags, sorted(stream["codec_type"] for stream in result["streams"])


@pytest.mark.parametrize(
    ("name", "codec", "media_type"),
    [
        ("clip.mp4", ["-c:v", "mpeg4", "-c:a", "aac"], "video/mp4"),
        ("clip.mov", ["-c:v", "mpeg4", "-c:a", "aac"], "video/quicktime"),
        ("clip.webm", ["-c:v", "libvpx", "-c:a", "libopus"], "video/webm"),
    ],
)
def test_it_removes_location_camera_and_dates_from_a_video(tmp_path, name, codec, media_type):
    original = _video(tmp_path, name, codec)
    assert b"Synthcam" in original or b"Synthetic title" in original

    clean = sanitize_upload(name, original, max_bytes=LIMIT)

    assert clean.media_type == media_type
    assert b"Synthcam" not in clean.content and b"Synthetic title" not in clean.content
    assert b"+55.7558" not in clean.content
    assert b"Lavf5" not in clean.content  # bit-exact muxing: no ffmpeg version (WebM keeps a bare "Lavf")
    tags, streams = _tags(tmp_path, clean.content, clean.extension)
    assert streams == ["audio", "video"]
    assert not {"title", "location", "make", "creation_time"} & set(tags)
    assert tags.get("encoder", "Lavf") == "Lavf"
    assert "title" in clean.removed


def test_it_names_the_gps_location_it_removed_from_an_mp4(tmp_path):
    clean = sanitize_upload("clip.mp4", _video(tmp_path, "clip.mp4", ["-c:v", "mpeg4"]), max_bytes=LIMIT)

    assert "GPS location" in clean.removed
    assert "date recorded" in clean.removed


def test_it_refuses_a_damaged_video():
    _ffmpeg()
    junk = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x13" * 500

    with pytest.raises(RefusedFile, match="damaged or incomplete"):
        sanitize_upload("clip.mp4", junk, max_bytes=LIMIT)


def test_without_ffmpeg_it_refuses_videos_and_stops_offering_them(tmp_path, monkeypatch):
    original = _video(tmp_path, "clip.mp4", ["-c:v", "mpeg4"])
    monkeypatch.setattr(video_module.shutil, "which", lambda _name: None)

    with pytest.raises(RefusedFile, match="cannot clean videos"):
        sanitize_upload("clip.mp4", original, max_bytes=LIMIT)
    assert not any("video" in kind for kind in accepted_kinds())


def test_ffmpeg_reads_and_writes_only_in_memory_files(tmp_path, monkeypatch):
    """Threat 1: a video in clear must never be written to the disk, not even for a moment."""
    original = _video(tmp_path, "clip.mp4", ["-c:v", "mpeg4"])
    calls = []
    real_run = video_module.subprocess.run

    def recording_run(command, **kwargs):
        calls.append((command, kwargs))
        return real_run(command, **kwargs)

    monkeypatch.setattr(video_module.subprocess, "run", recording_run)

    sanitize_upload("clip.mp4", original, max_bytes=LIMIT)

    assert calls
    for command, kwargs in calls:
        files = [argument for argument in command[1:] if "/" in argument]
        assert files and all(name.startswith("/dev/fd/") for name in files)
        assert {int(name.removeprefix("/dev/fd/")) for name in files} <= set(kwargs["pass_fds"])
        assert command[command.index("-protocol_whitelist") + 1] == "file"
