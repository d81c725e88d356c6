"""The salt and pepper file: made once, 0600, reused; a missing or damaged one is a clear error."""

import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from khronika.intake import receipts
from khronika.secret_files import create_secret_file

PHRASE = "pottery mango relic velvet anchor dwelling oat"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.INTAKE_PHRASE_KEY_FILE = ""
    receipts._salt_and_pepper.cache_clear()
    yield settings.DATA_DIR
    receipts._salt_and_pepper.cache_clear()


def test_it_is_made_on_first_use_readable_by_the_service_account_only(data_dir):
    receipts.derive(PHRASE)
    path = data_dir / receipts.KEY_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(bytes.fromhex(path.read_text())) == 48  # 16 bytes of salt, 32 of pepper
    assert list(data_dir.iterdir()) == [path]  # no temporary file left behind


def test_it_is_made_once_and_reused(data_dir):
    first = receipts.derive(PHRASE)
    path = data_dir / receipts.KEY_FILE_NAME
    content = path.read_text()
    receipts._salt_and_pepper.cache_clear()  # as a new process would
    assert receipts.derive(PHRASE) == first
    assert path.read_text() == content


def test_two_instances_get_different_salts_and_peppers(settings, tmp_path):
    first = receipts.derive(PHRASE)
    settings.DATA_DIR = tmp_path / "other"
    assert receipts.derive(PHRASE) != first


def test_it_is_read_once_and_cached(data_dir):
    first = receipts.derive(PHRASE)
    (data_dir / receipts.KEY_FILE_NAME).write_text(bytes(48).hex())  # were it read again, this would show
    assert receipts.derive(PHRASE) == first


def test_a_file_made_meanwhile_by_another_process_wins(data_dir):
    """Two workers starting at once must agree on one salt and pepper, or half the phrases break."""
    data_dir.mkdir()
    path = data_dir / receipts.KEY_FILE_NAME
    path.write_text(bytes(range(48)).hex())
    path.chmod(0o600)
    create_secret_file(path, receipts.SALT_BYTES + receipts.PEPPER_BYTES)
    assert path.read_text() == bytes(range(48)).hex()
    assert list(data_dir.iterdir()) == [path]


def test_a_configured_file_that_is_missing_is_a_clear_error_and_is_not_made(settings, tmp_path):
    """Making a new file would silently make every existing receipt phrase useless."""
    missing = tmp_path / "mounted" / "intake-phrase.key"
    settings.INTAKE_PHRASE_KEY_FILE = str(missing)
    with pytest.raises(ImproperlyConfigured, match=r"does not exist\. Restore it from a backup"):
        receipts.derive(PHRASE)
    assert not missing.exists()


def test_a_configured_file_is_used(settings, tmp_path):
    configured = tmp_path / "secret.key"
    configured.write_text(bytes(range(48)).hex())
    configured.chmod(0o600)
    settings.INTAKE_PHRASE_KEY_FILE = str(configured)
    assert receipts._salt_and_pepper(configured) == (bytes(range(16)), bytes(range(16, 48)))
    receipts.derive(PHRASE)


@pytest.mark.parametrize("content", ["", "00" * 47, "00" * 49, "not hex at all", "ü"])
def test_a_short_or_damaged_file_is_a_clear_error(data_dir, content):
    data_dir.mkdir()
    path = data_dir / receipts.KEY_FILE_NAME
    path.write_text(content)
    path.chmod(0o600)
    with pytest.raises(ImproperlyConfigured, match=r"is damaged .* Restore it from a backup"):
        receipts.derive(PHRASE)


def test_a_file_others_can_read_is_refused(data_dir):
    """Another local account copying the pepper could test phrases against a copy of the database."""
    receipts.derive(PHRASE)
    path = data_dir / receipts.KEY_FILE_NAME
    path.chmod(0o644)
    receipts._salt_and_pepper.cache_clear()
    with pytest.raises(ImproperlyConfigured, match="chmod 600"):
        receipts.derive(PHRASE)
