"""Act and perpetrator types: keyword rules over lemmas, in Russian and English."""

import pytest

from khronika.monitoring.extraction.rules import ACT_RULES, PERPETRATOR_RULES, apply_rules
from khronika.monitoring.extraction.text import sentences


def _codes(text: str, language: str, rules: dict = ACT_RULES) -> set[str]:
    return {hit.code for s in sentences(text) for hit in apply_rules(rules[language], s.tokens)}


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Полиция задержала их и проверила телефоны.", "ru", {"arbitrary-detention", "device-search"}),
        ("Силовики ворвались в бар и увезли людей в отдел.", "ru", {"raid-on-venue", "arbitrary-detention"}),
        ("Его заставили разблокировать телефон.", "ru", {"forced-device-unlocking"}),
        ("Встречу назначили через фейковую анкету.", "ru", {"staged-date"}),
        ("Суд оштрафовал её на 50 тысяч рублей.", "ru", {"administrative-fine"}),
        ("Суд назначил ему административное выдворение и поместил в ЦВСИГ.", "ru",
         {"administrative-expulsion", "pre-deportation-detention"}),
        ("Родственники заперли её дома, отец бил её.", "ru", {"confinement-by-family", "beating"}),
        ("Police raided a gay club and detained four men.", "en", {"raid-on-venue", "arbitrary-detention"}),
        ("They were lured through a fake dating profile.", "en", {"staged-date"}),
        ("He was deported after police searched his phone.", "en", {"deportation", "device-search"}),
        ("She was fined under Article 6.21.", "en", {"administrative-fine"}),
        ("Her family beat her and locked her in her room.", "en", {"beating", "confinement-by-family"}),
    ],
)  # fmt: skip
def test_it_finds_act_types(text: str, language: str, expected: set[str]) -> None:
    assert _codes(text, language) == expected


def test_it_does_not_count_a_negated_act() -> None:
    assert "criminal-charge" not in _codes("Police refused to open a criminal case.", "en")
    assert "arbitrary-detention" not in _codes("Его не задерживали.", "ru")


def test_it_does_not_take_an_administrative_charge_for_a_criminal_one() -> None:
    codes = _codes(
        "Three people were charged under Article 6.21 of the Code of Administrative Offences.", "en"
    )
    assert "criminal-charge" not in codes
    assert "criminal-charge" in _codes("He was charged under Article 282.2 of the Criminal Code.", "en")


def test_it_does_not_take_a_detention_centre_for_a_detention() -> None:
    codes = _codes("He spent a month in a temporary detention centre for foreign nationals.", "en")
    assert codes == {"pre-deportation-detention"}


def test_it_does_not_take_administrative_arrest_for_a_conviction() -> None:
    codes = _codes("A court sentenced him to 10 days of administrative arrest.", "en")
    assert codes == {"administrative-arrest"}


def test_it_finds_perpetrator_types() -> None:
    assert _codes("Участковый и сотрудники Центра «Э» пришли с обыском.", "ru", PERPETRATOR_RULES) == {
        "district-police",
        "centre-e",
    }
    assert _codes("Her relatives and the police", "en", PERPETRATOR_RULES) == {"family", "police-other"}
