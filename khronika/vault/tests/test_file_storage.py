"""Stored files are encrypted, each with its own key, and a damaged file is refused, never half-read."""

import pytest
from django.core.files.base import ContentFile

from khronika.vault.crypto import TamperedCiphertext
from khronika.vault.storage import CHUNK, EncryptedFileSystemStorage

CONTENT = "Протокол задержания, synthetic. ".encode() * 5000  # several chunks


@pytest.fixture
def storage(tmp_path):
    return EncryptedFileSystemStorage(location=tmp_path)


def test_the_disk_holds_no_clear_bytes_and_reading_gives_them_back(storage, tmp_path):
    name = storage.save("evidence/one", ContentFile(CONTENT))

    on_disk = (tmp_path / name).read_bytes()
    assert "Протокол".encode() not in on_disk and b"synthetic" not in on_disk
    assert len(CONTENT) > 2 * CHUNK
    with storage.open(name) as handle:
        assert handle.read() == CONTENT


def test_a_file_renamed_on_disk_does_not_decrypt(storage, tmp_path):
    name = storage.save("evidence/one", ContentFile(CONTENT))
    (tmp_path / name).rename(tmp_path / "evidence" / "two")

    with pytest.raises(TamperedCiphertext):
        storage.open("evidence/two").read()


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_a_damaged_file_is_refused(storage, tmp_path, damage):
    name = storage.save("evidence/one", ContentFile(CONTENT))
    path = tmp_path / name
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) - 100]
    else:
        data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))

    with pytest.raises(TamperedCiphertext), storage.open(name) as handle:
        handle.read()
