"""The receipt phrase word lists are big enough for 90 bits and easy to type."""

import math
import re

import pytest

from khronika.intake import receipts

CHARACTERS = {"en": re.compile(r"[a-z]{3,9}"), "ru": re.compile(r"[а-еж-я]{3,9}")}  # а–я without ё


@pytest.mark.parametrize("language", receipts.LANGUAGES)
def test_each_list_has_at_least_7776_distinct_words(language):
    words = receipts.words(language)
    assert len(words) >= 7776
    assert len(set(words)) == len(words)


@pytest.mark.parametrize("language", receipts.LANGUAGES)
def test_seven_words_carry_at_least_90_bits(language):
    assert receipts.PHRASE_WORDS * math.log2(len(set(receipts.words(language)))) >= 90


@pytest.mark.parametrize("language", receipts.LANGUAGES)
def test_every_word_is_3_to_9_lowercase_letters_of_its_alphabet(language):
    wrong = [word for word in receipts.words(language) if not CHARACTERS[language].fullmatch(word)]
    assert wrong == []


@pytest.mark.parametrize("language", receipts.LANGUAGES)
def test_every_word_is_already_in_normalized_form(language):
    """A word that normalization changes could never be matched when typed back."""
    assert [w for w in receipts.words(language) if receipts.normalize_phrase(w) != w] == []


@pytest.mark.parametrize(
    ("language", "word"),
    [("en", "prison"), ("en", "police"), ("en", "t-shirt"), ("ru", "тюрьма"), ("ru", "полиция")],
)
def test_words_that_would_alarm_on_a_found_note_are_left_out(language, word):
    """A phrase may be written down and found in a search: it must look like nothing."""
    assert word not in receipts.words(language)


def test_there_is_no_list_for_another_language():
    with pytest.raises(ValueError, match="de"):
        receipts.new_phrase("de")
