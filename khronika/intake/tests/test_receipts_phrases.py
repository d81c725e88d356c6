"""New receipt phrases, and how typed phrases are normalized and checked before any hash."""

from hypothesis import given
from hypothesis import strategies as st

from khronika.intake import receipts

LANGUAGE = st.sampled_from(receipts.LANGUAGES)
# What people put between words when typing or pasting: spaces, tabs, line breaks, dashes, punctuation.
SEPARATOR = st.text(alphabet=" \t\n\r\u00a0\u2003-‐–—―.,;:!?…'\"«»()/_·", min_size=1, max_size=4)


@given(LANGUAGE)
def test_a_new_phrase_is_seven_words_of_the_chosen_list(language):
    phrase = receipts.new_phrase(language)
    words = phrase.split(" ")
    assert len(words) == receipts.PHRASE_WORDS
    assert set(words) <= set(receipts.words(language))
    assert receipts.phrase_looks_valid(phrase)


def test_new_phrases_differ():
    assert len({receipts.new_phrase("en") for _ in range(50)}) == 50


@given(LANGUAGE, st.data())
def test_case_spacing_dashes_and_punctuation_do_not_matter(language, data):
    words = receipts.new_phrase(language).split(" ")
    typed = data.draw(SEPARATOR)
    for word in words:
        typed += data.draw(st.sampled_from([word, word.upper(), word.capitalize()])) + data.draw(SEPARATOR)
    assert receipts.normalize_phrase(typed) == " ".join(words)
    assert receipts.phrase_looks_valid(typed)


def test_forms_of_the_same_phrase_normalize_equal():
    assert receipts.normalize_phrase("  Word-word  WORD…") == "word word word"
    assert receipts.normalize_phrase("ЁЛКА — Кот,\tго\u0301род\n") == "елка кот город"
    assert receipts.normalize_phrase("ｗｉｄｅ　ｗｏｒｄ") == "wide word"  # full-width letters and space


def test_the_decomposed_short_i_stays_a_letter():
    """й typed as и + combining breve is one letter, not a word break (NFKC composes it)."""
    assert receipts.normalize_phrase("чаи\u0306 и чай") == "чай и чай"


def test_a_phrase_with_a_mistyped_word_does_not_look_valid():
    words = receipts.new_phrase("en").split(" ")
    words[3] = words[3] + "x"
    assert not receipts.phrase_looks_valid(" ".join(words))


def test_a_phrase_with_a_missing_or_extra_word_does_not_look_valid():
    words = receipts.new_phrase("ru").split(" ")
    assert not receipts.phrase_looks_valid(" ".join(words[:-1]))
    assert not receipts.phrase_looks_valid(" ".join([*words, words[0]]))


def test_words_from_two_lists_do_not_make_a_valid_phrase():
    mixed = receipts.new_phrase("en").split(" ")[:4] + receipts.new_phrase("ru").split(" ")[:3]
    assert not receipts.phrase_looks_valid(" ".join(mixed))


@given(st.text(max_size=200))
def test_any_text_normalizes_without_error_to_single_spaced_lowercase_words(text):
    normalized = receipts.normalize_phrase(text)
    assert normalized == normalized.strip()
    assert "  " not in normalized
    assert normalized == receipts.normalize_phrase(normalized)
    assert isinstance(receipts.phrase_looks_valid(text), bool)
