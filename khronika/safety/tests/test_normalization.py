"""One spelling per account and number, and plain-language errors for input that cannot be one."""

from __future__ import annotations

import pytest

from khronika.safety.normalize import NotNormalizable, normalize_handle, normalize_phone


@pytest.mark.parametrize(
    "typed",
    ["+7 900 555-01-23", "8 (900) 555-01-23", "9005550123", "+7(900)5550123", "８ ９００ ５５５ ０１ ２３"],
)
def test_it_writes_every_spelling_of_a_russian_number_in_e164(typed):
    assert normalize_phone(typed) == "+79005550123"


def test_it_keeps_foreign_numbers_with_their_country_code():
    assert normalize_phone("+995 555 12 34 56") == "+995555123456"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "country code"),
        ("call me", "does not look like a phone number"),
        ("+7 000 000-00-00", "does not exist"),
        ("+7 900 55", "does not exist"),
    ],
)
def test_it_rejects_what_is_not_a_phone_number_in_plain_words(typed, says):
    with pytest.raises(NotNormalizable, match=says):
        normalize_phone(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "@Synthetic_Lure",
        "synthetic_lure",
        "https://t.me/Synthetic_Lure",
        "t.me/synthetic_lure/",
        " @SYNTHETIC_LURE ",
    ],
)
def test_it_folds_case_at_signs_and_profile_links(typed):
    assert normalize_handle("telegram", typed) == "synthetic_lure"


def test_it_maps_cyrillic_and_greek_look_alikes_to_the_latin_letters():
    # "synthеtic_lurе" with Cyrillic е, and a Greek ο in "οk".
    assert normalize_handle("telegram", "@synth\u0435tic_lur\u0435") == "synthetic_lure"
    assert normalize_handle("instagram", "lure.\u03bfk") == "lure.ok"


def test_it_normalizes_fullwidth_letters_through_nfkc():
    assert normalize_handle("vk", "ｓｙｎｔｈ_ｌｕｒｅ") == "synth_lure"


@pytest.mark.parametrize(
    ("platform", "typed", "says"),
    [
        ("myspace", "someone", "do not know the platform"),
        ("whatsapp", "+79005550123", "report the phone number instead"),
        ("telegram", "@abc", "too short"),
        ("telegram", "@", "Write the account's name"),
        ("telegram", "lure man", "may contain only"),
        ("telegram", "шпион_ж", "may contain only"),
        ("tiktok", "x" * 25, "too long"),
    ],
)
def test_it_rejects_handles_that_cannot_be_an_account_in_plain_words(platform, typed, says):
    with pytest.raises(NotNormalizable, match=says):
        normalize_handle(platform, typed)
