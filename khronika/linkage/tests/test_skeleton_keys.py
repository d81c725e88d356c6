"""Names written in either script under any common system reduce to one comparison key."""

import pytest

from khronika.linkage.normalise import (
    consonant_key,
    given_name_group,
    order_names,
    skeleton,
)


@pytest.mark.parametrize(
    "spellings",
    [
        ["Матвей", "Matvei", "Matvey", "Matvej", "Matveĭ"],
        ["Фёдор", "Федор", "Fedor", "Fyodor", "Fëdor", "Fiodor"],
        ["Юлия", "Iuliia", "Yuliya", "Ûliâ", "I͡ulii͡a", "Julia"],
        ["Щербакова", "Shcherbakova", "Ŝerbakova", "Scherbakova"],
        ["Цой", "Tsoi", "Tsoy", "Coj", "T͡soĭ"],
        ["Евгений", "Evgenii", "Yevgeniy", "Yevgeny", "Evgenij"],
        ["Наталья", "Natalia", "Natal’ya", "Natalʹâ", "Natalya"],
        ["Алексей", "Aleksei", "Alexey", "Alexei"],
        ["Хабиб", "Khabib", "Habib"],
    ],
)
def test_it_gives_every_spelling_of_a_name_one_skeleton(spellings):
    assert len({skeleton(spelling) for spelling in spellings}) == 1, [skeleton(s) for s in spellings]


def test_it_keeps_different_names_apart():
    assert skeleton("Матвей") != skeleton("Михаил")
    assert skeleton("Иванов") != skeleton("Иванова")


def test_it_maps_a_diminutive_to_the_full_names_it_may_stand_for():
    assert given_name_group("Саша") == ("aleksandr", "aleksandra")
    assert given_name_group("Sasha") == given_name_group("Саша")
    assert "aleksandr" in given_name_group("Александр")
    assert given_name_group("Александр") == given_name_group("Alexander")


def test_english_short_forms_stand_for_their_full_names():
    """A foreign citizen written "Bob" by one source and "Robert" by another is one given name."""
    assert set(given_name_group("Bob")) & set(given_name_group("Robert"))
    assert set(given_name_group("Lizzie")) & set(given_name_group("Elizabeth"))
    assert not set(given_name_group("Bob")) & set(given_name_group("Elizabeth"))


def test_it_leaves_an_unknown_given_name_as_itself():
    assert given_name_group("Зигфрид") == (skeleton("Зигфрид"),)


def test_it_puts_a_swapped_name_in_order():
    assert order_names("Иванов", "Матвей") == ("Матвей", "Иванов")
    assert order_names("Andreeva", "Elizavita") == ("Elizavita", "Andreeva")


def test_it_leaves_a_name_in_order_when_both_parts_are_given_names():
    assert order_names("Марк", "Лев") == ("Марк", "Лев")


def test_a_lone_family_name_is_read_as_a_family_name():
    assert order_names("Gavrilov", "") == ("", "Gavrilov")
    assert order_names("Маша", "") == ("Маша", "")


def test_the_consonant_key_survives_a_wrong_vowel():
    assert consonant_key(skeleton("Кузнецов")) == consonant_key(skeleton("Kuznetsav"))
