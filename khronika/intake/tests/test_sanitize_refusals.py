"""Uploads we cannot clean are refused with a message that says what to send instead."""

import gzip
import io
import tarfile
import zipfile

import pytest
from PIL import Image

from khronika.intake.sanitize import RefusedFile, accepted_kinds, sanitize_upload

LIMIT = 1024 * 1024


def _png():
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG")
    return out.getvalue()


def _tar():
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        info = tarfile.TarInfo("notes.txt")
        info.size = 5
        archive.addfile(info, io.BytesIO(b"hello"))
    return out.getvalue()


def _zip():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("empty.jpg", b"", "empty"),
        ("huge.txt", b"a" * (LIMIT + 1), "too large"),
        ("photo.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "programs"),
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 100, "programs"),
        ("run.txt", b"#!/bin/sh\nrm -rf /\n", "programs"),
        ("photos.zip", _zip(), "archives"),
        ("photos.tar", _tar(), "archives"),
        ("photos.gz", gzip.compress(b"hello"), "archives"),
        ("photos.rar", b"Rar!\x1a\x07\x01\x00" + b"\x00" * 50, "archives"),
        ("photos.7z", b"7z\xbc\xaf\x27\x1c" + b"\x00" * 50, "archives"),
        ("scan.gif", b"GIF89a" + b"\x00" * 50, "cannot accept this kind"),
        ("letter.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Word"),
        ("notes.txt", "привет".encode("cp1251"), "UTF-8"),
        ("notes.txt", b"abc\x00def", "UTF-8"),
        ("invoice.pdf", _png(), "ends in .pdf"),
        ("photo.jpg", _png(), "ends in .jpg"),
    ],
)
def test_it_refuses_files_it_cannot_clean_with_a_plain_message(name, data, words):
    with pytest.raises(RefusedFile) as refusal:
        sanitize_upload(name, data, max_bytes=LIMIT)

    assert words in refusal.value.message
    assert str(refusal.value) == refusal.value.message
    # No parser exception (which may quote the upload) travels with the refusal into tracebacks.
    assert refusal.value.__cause__ is None
    assert refusal.value.__context__ is None or refusal.value.__suppress_context__


def test_the_unknown_kind_message_lists_what_can_be_sent():
    with pytest.raises(RefusedFile) as refusal:
        sanitize_upload("drawing.bmp", b"BM" + b"\x00" * 100, max_bytes=LIMIT)

    for kind in accepted_kinds():
        assert kind in refusal.value.message


def test_it_accepts_utf8_text_as_it_is():
    text = "Их задержали у метро в 21:00.\n".encode()

    clean = sanitize_upload("notes.txt", text, max_bytes=LIMIT)

    assert clean.content == text and clean.media_type == "text/plain" and clean.removed == ()


def test_a_file_without_an_extension_is_judged_by_its_content():
    assert sanitize_upload("photo", _png(), max_bytes=LIMIT).extension == ".png"
