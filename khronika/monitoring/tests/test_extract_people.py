"""Named people, flagged when the text says the name is changed or invented."""

from datetime import date

from khronika.monitoring.extraction import extract


def _people(text: str) -> list[tuple[str, bool]]:
    result = extract(text, published=date(2026, 5, 1))
    return [(p.value.name, p.value.pseudonym) for i in result.incidents for p in i.people]


def test_it_flags_a_russian_name_said_to_be_changed() -> None:
    text = "В Казани полиция задержала Ахмеда (имя изменено) и проверила его телефон."
    assert _people(text) == [("Ахмеда", True)]


def test_it_does_not_flag_a_real_name() -> None:
    text = "В Казани полиция задержала активиста Ивана Смирнова и проверила его телефон."
    assert _people(text) == [("Ивана Смирнова", False)]


def test_it_flags_an_english_pseudonym() -> None:
    text = "Police in Kazan detained a man. I'll call myself Timur, that's not my real name."
    assert _people(text) == [("Timur", True)]
    text = "Police in Kazan detained Ilya (not his real name) on Monday."
    assert _people(text) == [("Ilya", True)]
