"""Large uploads are spooled to temporary files that hold only ciphertext (issue 5, side doors)."""

import hashlib
import io
import os

from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from khronika.records.models import Evidence
from khronika.testing.factories import IncidentFactory
from khronika.vault import uploads
from khronika.vault.uploads import EncryptedTemporaryFile, EncryptedTemporaryUploadedFile

MARKER = "СЕНТИНЕЛ-загрузка-5120 SENTINEL-upload-5120".encode()


def big_content(size=3 * 1024 * 1024):
    """More than FILE_UPLOAD_MAX_MEMORY_SIZE, with the marker at the start, middle and end."""
    filler = (MARKER + b"\n") * (size // (len(MARKER) + 1))
    return MARKER + filler + MARKER


def test_the_configured_handlers_spool_large_uploads_encrypted():
    assert (
        "khronika.vault.uploads.EncryptedTemporaryFileUploadHandler" in django_settings.FILE_UPLOAD_HANDLERS
    )
    assert "django.core.files.uploadhandler.TemporaryFileUploadHandler" not in (
        django_settings.FILE_UPLOAD_HANDLERS
    )


def test_the_temporary_file_holds_no_clear_byte_but_reads_back_exactly(tmp_path):
    clear = big_content(300_000)
    spool = EncryptedTemporaryFile(str(tmp_path))
    spool.write(clear[:1000])
    spool.write(clear[1000:])
    on_disk = os.pread(spool._file.fileno(), len(clear) + 10, 0)
    assert len(on_disk) == len(clear)
    assert MARKER not in on_disk
    assert on_disk != clear
    spool.seek(0)
    assert spool.read() == clear
    # Random access, as zip readers (openpyxl) do: from the end, then back to odd offsets.
    spool.seek(-7, io.SEEK_END)
    assert spool.read() == clear[-7:]
    spool.seek(12_345)
    assert spool.read(1001) == clear[12_345:13_346]
    spool.close()
    assert os.listdir(tmp_path) == []


def test_two_files_have_different_keys(tmp_path):
    first, second = EncryptedTemporaryFile(str(tmp_path)), EncryptedTemporaryFile(str(tmp_path))
    first.write(MARKER)
    second.write(MARKER)
    assert os.pread(first._file.fileno(), 100, 0) != os.pread(second._file.fileno(), 100, 0)


def test_the_uploaded_file_is_a_django_file_without_a_clear_path(tmp_path, settings):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    upload = EncryptedTemporaryUploadedFile("x.bin", "application/octet-stream", 0, None)
    upload.write(MARKER * 1000)
    upload.seek(0)
    upload.size = len(MARKER) * 1000
    assert b"".join(upload.chunks(4096)) == MARKER * 1000
    assert not hasattr(upload, "temporary_file_path")


def test_a_large_evidence_upload_goes_through_the_encrypted_spool(
    client, team, monkeypatch, tmp_path, settings
):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    spooled = []
    original = uploads.EncryptedTemporaryFile.write

    def watching_write(self, data):
        spooled.append(os.pread(self._file.fileno(), 10**8, 0))
        return original(self, data)

    monkeypatch.setattr(uploads.EncryptedTemporaryFile, "write", watching_write)
    content = big_content()
    incident = IncidentFactory(compartment=team.home)
    client.force_login(team.documenter)

    response = client.post(
        reverse("records:evidence_add", args=[incident.id]),
        {"file": SimpleUploadedFile("big.bin", content), "description": "synthetic"},
    )

    assert response.status_code == 302
    assert spooled, "a 3 MiB upload must have been spooled to the encrypted temporary file"
    assert all(MARKER not in disk for disk in spooled)
    evidence = Evidence.objects.get(incident=incident)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.size == len(content)
    download = client.get(reverse("records:evidence_download", args=[evidence.id]))
    assert b"".join(download.streaming_content) == content


def test_a_large_spreadsheet_upload_is_read_back_from_the_encrypted_spool(client, team, tmp_path, settings):
    from khronika.records.tests.test_spreadsheet_support import HEADERS, ROWS, csv_bytes, web_upload

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    # One long narrative per row pushes the file over FILE_UPLOAD_MAX_MEMORY_SIZE with few rows.
    padded = [[*row[:4], row[4] + " " + "синтетический текст " * 300, *row[5:]] for row in ROWS]
    data = csv_bytes(HEADERS, padded * 200)
    assert len(data) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    client.force_login(team.documenter)

    page = web_upload(client, data, team.home)

    assert page.status_code == 200
    assert page.context["token"]
