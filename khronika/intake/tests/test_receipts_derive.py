"""derive(): one Argon2id call gives a lookup hash and a phrase key bound to the phrase, salt and pepper."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khronika.intake import receipts

PHRASE = "pottery mango relic velvet anchor dwelling oat"


@pytest.fixture(autouse=True)
def key_file(settings, tmp_path):
    """A fresh salt and pepper in this test's own data folder."""
    settings.DATA_DIR = tmp_path
    settings.INTAKE_PHRASE_KEY_FILE = ""
    receipts._salt_and_pepper.cache_clear()
    yield tmp_path / receipts.KEY_FILE_NAME
    receipts._salt_and_pepper.cache_clear()


def test_it_gives_two_different_32_byte_values():
    secrets = receipts.derive(PHRASE)
    assert len(secrets.lookup_hash) == 32
    assert len(secrets.phrase_key) == 32
    assert secrets.lookup_hash != secrets.phrase_key


def test_it_is_deterministic_for_the_same_phrase_however_typed():
    assert receipts.derive(PHRASE) == receipts.derive("  Pottery-MANGO relic, velvet anchor dwelling oat.")


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(receipts.LANGUAGES), st.sampled_from(receipts.LANGUAGES))
def test_different_phrases_give_different_secrets(first, second):
    one, other = receipts.new_phrase(first), receipts.new_phrase(second)
    assert receipts.derive(one).lookup_hash != receipts.derive(other).lookup_hash
    assert receipts.derive(one).phrase_key != receipts.derive(other).phrase_key


def test_it_changes_with_the_salt(key_file):
    before = receipts.derive(PHRASE)
    material = bytes.fromhex(key_file.read_text())
    _rewrite(key_file, bytes([material[0] ^ 1]) + material[1:])
    after = receipts.derive(PHRASE)
    assert after.lookup_hash != before.lookup_hash
    assert after.phrase_key != before.phrase_key


def test_it_changes_with_the_pepper(key_file):
    """The pepper (not in the database) is part of the hash: a stolen database alone tests nothing."""
    before = receipts.derive(PHRASE)
    material = bytes.fromhex(key_file.read_text())
    _rewrite(key_file, material[:-1] + bytes([material[-1] ^ 1]))
    after = receipts.derive(PHRASE)
    assert after.lookup_hash != before.lookup_hash
    assert after.phrase_key != before.phrase_key


def test_it_is_argon2id_over_the_peppered_normalized_phrase(key_file, settings):
    from argon2.low_level import Type, hash_secret_raw

    derived = receipts.derive(PHRASE.upper())
    material = bytes.fromhex(key_file.read_text())
    time_cost, memory_kib = settings.INTAKE_PHRASE_KDF
    expected = hash_secret_raw(
        material[16:] + PHRASE.encode(), material[:16], time_cost, memory_kib, 1, 64, Type.ID
    )
    assert derived.lookup_hash + derived.phrase_key == expected


def test_tests_use_the_fast_setting_and_production_a_memory_hard_one(settings):
    """Production cost is checked here without running it (securedrop's habit)."""
    from khronika import settings as production

    assert settings.INTAKE_PHRASE_KDF == (1, 8)
    time_cost, memory_kib = production.INTAKE_PHRASE_KDF
    assert memory_kib >= 19 * 1024 and time_cost >= 2  # OWASP's minimum for Argon2id


def _rewrite(path, material):
    path.write_text(material.hex() + "\n")
    receipts._salt_and_pepper.cache_clear()
