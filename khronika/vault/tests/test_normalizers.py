"""Normalizers make equal what people write differently, and refuse what is not a value at all."""

from __future__ import annotations

import unicodedata

import pytest

from khronika.vault.crypto import normalize_handle, normalize_person_name, normalize_phone


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("Ёлкин Пётр", "елкинпетр"),
        ("ЁЛКИН-ПЁТР", "елкинпетр"),
        (unicodedata.normalize("NFD", "Йошкин Ёж"), "йошкинеж"),  # й keeps its breve, ё becomes е
        ("Smith, John J.", "smithjohnj"),
        ("Анна Smith", "аннаsmith"),  # both scripts kept as given
        ("Ｉｖａｎ", "ivan"),  # full-width letters from some keyboards
    ],
)
def test_person_names(raw, normalized):
    assert normalize_person_name(raw) == normalized


@pytest.mark.parametrize("raw", ["", "   ", "—, .", "!!!"])
def test_it_refuses_a_name_without_letters(raw):
    with pytest.raises(ValueError, match="no letters"):
        normalize_person_name(raw)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("+7 (916) 123-45-67", "+79161234567"),
        ("8 916 123 45 67", "+79161234567"),
        ("89161234567", "+79161234567"),
        ("7-916-123-45-67", "+79161234567"),
        ("9161234567", "+79161234567"),
        ("+380 44 123 4567", "+380441234567"),
        ("00 49 30 1234567", "+49301234567"),
        ("810 49 30 1234567", "+49301234567"),
        ("+995.32.212.3456", "+995322123456"),
    ],
)
def test_phone_numbers(raw, normalized):
    assert normalize_phone(raw) == normalized


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "only digits"),
        ("call me", "only digits"),
        ("+7 916 ABC 45 67", "only digits"),
        ("+7+9161234567", "only digits"),
        ("1234567", "country code"),
        ("+7 916 123 45", "ten digits after \\+7"),
        ("+7 016 123 45 67", "ten digits after \\+7"),
        ("+1234567890123456", "8 to 15 digits"),
        ("+0 123 456 789", "8 to 15 digits"),
        ("+7 999 999 99 99", "placeholder"),
        ("8 000 000 00 00", "placeholder|ten digits"),
    ],
)
def test_it_refuses_garbage_phone_numbers(raw, reason):
    with pytest.raises(ValueError, match=reason):
        normalize_phone(raw)


@pytest.mark.parametrize(
    ("platform", "raw", "normalized"),
    [
        ("telegram", "@Ivan_K", "telegram:ivan_k"),
        ("Telegram ", " ivan_k ", "telegram:ivan_k"),
        ("telegram", "https://t.me/Ivan_K", "telegram:ivan_k"),
        ("instagram", "instagram.com/Some.One/?igsh=abc", "instagram:some.one"),
        ("vk", "https://vk.com/id12345", "vk:id12345"),
    ],
)
def test_account_handles(platform, raw, normalized):
    assert normalize_handle(platform, raw) == normalized


def test_the_same_handle_on_two_platforms_stays_apart():
    assert normalize_handle("telegram", "ivan") != normalize_handle("instagram", "ivan")


@pytest.mark.parametrize(
    ("platform", "raw"), [("telegram", "@"), ("telegram", "two words"), ("", "ivan"), ("t g", "x")]
)
def test_it_refuses_an_empty_or_malformed_handle(platform, raw):
    with pytest.raises(ValueError):
        normalize_handle(platform, raw)
