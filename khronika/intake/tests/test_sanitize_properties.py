"""Property: whatever bytes and name arrive, the sanitizer returns a CleanFile or raises RefusedFile.

Any other exception would be a server error on the public intake form, and its text might quote the
upload into an error report.
"""

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from khronika.intake.sanitize import CleanFile, RefusedFile, sanitize_upload

LIMIT = 64 * 1024


def _png():
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


def _jpeg():
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "JPEG")
    return out.getvalue()


# Starts of real formats, so that generated inputs reach each parser and not only the detector.
PREFIXES = [
    b"",
    _png()[:40],
    _jpeg()[:40],
    b"%PDF-1.7\n",
    b"PK\x03\x04",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"RIFF\x24\x00\x00\x00WAVEfmt ",
    b"ID3\x04\x00\x00\x00\x00\x00\x00",
    b"\xff\xfb\x90\x00",
    b"OggS\x00\x02" + b"\x00" * 22 + b"\x01\x13OpusHead",
    b"fLaC",
    b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isom",
    b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00M4A ",
    b"\x1a\x45\xdf\xa3webm",
]
NAMES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["a.jpg", "a.png", "a.pdf", "a.docx", "a.mp3", "a.ogg", "a.m4a", "a.mp4", "a.txt", "a"]),
)


def _check(name, data):
    try:
        result = sanitize_upload(name, data, max_bytes=LIMIT)
    except RefusedFile as refusal:
        assert refusal.message.strip()
    else:
        assert isinstance(result, CleanFile)
        assert result.content and result.media_type and result.extension.startswith(".")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NAMES, data=st.binary(max_size=2048))
def test_arbitrary_bytes_are_cleaned_or_refused(name, data):
    _check(name, data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NAMES, prefix=st.sampled_from(PREFIXES), tail=st.binary(max_size=2048))
def test_damaged_files_of_every_kind_are_cleaned_or_refused(name, prefix, tail):
    _check(name, prefix + tail)


@settings(max_examples=100, deadline=None)
@given(
    sample=st.sampled_from([_png(), _jpeg()]),
    position=st.integers(min_value=0, max_value=400),
    value=st.integers(min_value=0, max_value=255),
)
def test_photos_with_one_corrupted_byte_are_cleaned_or_refused(sample, position, value):
    data = bytearray(sample)
    data[position % len(data)] = value
    _check("photo.jpg" if sample.startswith(b"\xff") else "photo.png", bytes(data))
