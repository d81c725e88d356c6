"""Audio recordings lose every tag (names, dates, places, software); the sound is kept."""

import io
import shutil
import struct
import subprocess
import wave

import mutagen
import pytest
from mutagen.id3 import COMM, ID3, TIT2, TPE1, TXXX

from khronika.intake.sanitize import RefusedFile, sanitize_upload

LIMIT = 10 * 1024 * 1024
# One MPEG-1 Layer III frame header (128 kbit/s, 44.1 kHz): frames are 417 bytes long.
MP3_FRAME = b"\xff\xfb\x90\x00" + b"\x00" * 413


def _mp3_with_id3():
    buffer = io.BytesIO(MP3_FRAME * 20)
    tags = ID3()
    tags.add(TIT2(encoding=3, text="Synthetic title"))
    tags.add(TPE1(encoding=3, text="Synthetic Speaker"))
    tags.add(COMM(encoding=3, lang="eng", desc="", text="recorded near the synthetic station"))
    tags.add(TXXX(encoding=3, desc="location", text="55.75,37.61"))
    tags.save(buffer)
    return buffer.getvalue()


def test_it_removes_id3_tags_from_an_mp3():
    original = _mp3_with_id3()
    assert original.startswith(b"ID3")

    clean = sanitize_upload("voice.mp3", original, max_bytes=LIMIT)

    assert clean.media_type == "audio/mpeg" and clean.extension == ".mp3"
    assert not clean.content.startswith(b"ID3")
    assert b"Synthetic Speaker" not in clean.content and b"55.75" not in clean.content
    assert clean.content == MP3_FRAME * 20  # the sound is untouched
    for described in ("title", "author or performer name", "comments"):
        assert described in clean.removed


def test_it_keeps_only_the_sound_of_a_wav_file():
    out = io.BytesIO()
    with wave.open(out, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(struct.pack("<800h", *range(800)))
    info = b"INFO" + b"IART" + struct.pack("<I", 18) + b"Synthetic Speaker\x00"
    data = out.getvalue() + b"LIST" + struct.pack("<I", len(info)) + info
    data = data[:4] + struct.pack("<I", len(data) - 8) + data[8:]

    clean = sanitize_upload("call.wav", data, max_bytes=LIMIT)

    assert b"Synthetic Speaker" not in clean.content
    assert "recording details (names, dates, software)" in clean.removed
    with wave.open(io.BytesIO(clean.content)) as recording:
        assert recording.getnframes() == 800


@pytest.mark.parametrize(
    ("name", "codec", "media_type"),
    [
        ("memo.ogg", ["-c:a", "libopus"], "audio/ogg"),
        ("memo.flac", ["-c:a", "flac"], "audio/flac"),
        ("memo.m4a", ["-c:a", "aac"], "audio/mp4"),
    ],
)
def test_it_removes_tags_from_ogg_flac_and_m4a(tmp_path, name, codec, media_type):
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is required (scripts/install-system-packages installs it)"
    path = tmp_path / name
    command = [ffmpeg, "-loglevel", "error", "-f", "lavfi", "-i", "sine=duration=1", *codec]
    command += ["-metadata", "artist=Synthetic Speaker", "-metadata", "date=2026-01-02", str(path)]
    subprocess.run(command, check=True)  # noqa: S603 - fixed arguments, synthetic sample
    original = path.read_bytes()
    assert mutagen.File(io.BytesIO(original)).tags  # the sample really has tags

    clean = sanitize_upload(name, original, max_bytes=LIMIT)

    assert clean.media_type == media_type
    assert b"Synthetic Speaker" not in clean.content
    assert "author or performer name" in clean.removed and "date recorded" in clean.removed
    assert not mutagen.File(io.BytesIO(clean.content)).tags


def test_it_refuses_a_file_that_only_looks_like_mp3():
    with pytest.raises(RefusedFile, match="damaged or incomplete"):
        sanitize_upload("voice.mp3", b"ID3\x04\x00\x00\x00\x00\x00\x05hello", max_bytes=LIMIT)


def _with_location_box(data):
    """Add QuickTime user data with a GPS position (phones write it; ffmpeg's mp4 mode does not)."""
    position = data.rindex(b"moov") - 4
    size = int.from_bytes(data[position : position + 4], "big")
    assert position + size == len(data)  # moov is last, so growing it moves nothing else
    text = b"+55.7558+037.6173/"
    xyz = struct.pack(">I4sHH", 12 + len(text), b"\xa9xyz", len(text), 0x15C7) + text
    udta = struct.pack(">I4s", 8 + len(xyz), b"udta") + xyz
    return data[:position] + struct.pack(">I", size + len(udta)) + data[position + 4 :] + udta


def test_it_blanks_the_location_and_recording_time_that_mutagen_does_not_see_in_an_m4a(tmp_path):
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is required (scripts/install-system-packages installs it)"
    path = tmp_path / "memo.m4a"
    command = [ffmpeg, "-loglevel", "error", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac"]
    command += ["-metadata", "creation_time=2026-01-02T03:04:05Z", "-f", "mp4", str(path)]
    subprocess.run(command, check=True)  # noqa: S603 - fixed arguments, synthetic sample
    original = _with_location_box(path.read_bytes())
    assert mutagen.File(io.BytesIO(original)).info.length > 0.9

    clean = sanitize_upload("memo.m4a", original, max_bytes=LIMIT)

    assert b"+55.7558" not in clean.content
    assert "GPS location" in clean.removed and "date recorded" in clean.removed
    assert mutagen.File(io.BytesIO(clean.content)).info.length > 0.9  # still the same recording
