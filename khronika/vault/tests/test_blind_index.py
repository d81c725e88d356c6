"""Blind indexes match equivalent values and nothing else: not across keys, not across domains."""

from __future__ import annotations

import secrets

import pytest

from khronika.vault.crypto import (
    Domain,
    blind_index,
    handle_index,
    person_name_index,
    phone_index,
)

KEY = secrets.token_bytes(32)
OTHER_KEY = secrets.token_bytes(32)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Ёлкина-Петрова, Анна", "елкинапетрова анна"),
        ("  АЛЕКСЕЙ   Смирнов ", "алексей смирнов"),
        ("O'Brien, Seán", "obrien seán"),
    ],
)
def test_equivalent_names_share_an_index(a, b):
    assert person_name_index(KEY, a) == person_name_index(KEY, b)


def test_equivalent_phones_and_handles_share_an_index():
    assert phone_index(KEY, "8 (916) 123-45-67") == phone_index(KEY, "+79161234567")
    assert handle_index(KEY, "telegram", "@Ivan_K") == handle_index(KEY, "Telegram", "https://t.me/ivan_k")


def test_different_names_have_different_indexes():
    assert person_name_index(KEY, "Иванов") != person_name_index(KEY, "Иванова")


def test_scripts_are_not_merged_here():
    """Transliteration matching is the linkage app's job; an exact index keeps scripts apart."""
    assert person_name_index(KEY, "Иван") != person_name_index(KEY, "Ivan")


def test_another_key_gives_another_index():
    """Without the blind-index key, a known name cannot be looked up in a seized database."""
    assert person_name_index(KEY, "Иван Петров") != person_name_index(OTHER_KEY, "Иван Петров")


def test_the_same_string_in_another_domain_gives_another_index():
    assert blind_index(KEY, Domain.PHONE, "ivan") != blind_index(KEY, Domain.HANDLE, "ivan")
    assert blind_index(KEY, Domain.PERSON_NAME, "ivan") != blind_index(KEY, Domain.HANDLE, "ivan")


def test_the_index_is_16_bytes_of_hex_and_hides_the_value():
    index = person_name_index(KEY, "Zzyzx")
    assert len(index) == 32 and bytes.fromhex(index)
    assert "zzyzx" not in index.lower()


def test_it_refuses_a_key_of_the_wrong_size():
    with pytest.raises(ValueError):
        blind_index(b"short", Domain.PHONE, "+79161234567")
