"""Victim counts and days held."""

import pytest

from khronika.monitoring.extraction.counts import detention_days, victim_count
from khronika.monitoring.extraction.text import sentences


def _tokens(text: str) -> list:
    return [s.tokens for s in sentences(text)]


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Полицейские задержали двух молодых людей.", 2),
        ("Семерых человек увезли в отдел.", 7),
        ("Всех троих задержали.", 3),
        ("Правозащитники эвакуировали 19-летнюю девушку.", 1),
        ("Police detained four men.", 4),
        ("Officers detained 15 guests.", 15),
        ("A lesbian couple was fined.", 2),
        ("On 13 July, men posing as police abducted a man.", 1),
        ("A 34-year-old man was sentenced.", 1),
    ],
)
def test_it_counts_victims(text: str, count: int) -> None:
    found = victim_count(_tokens(text))
    assert found is not None and found.value == count


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Обоих продержали в отделе двое суток.", 2),
        ("Мужчину арестовали на 10 суток.", 10),
        ("Всех троих задержали на 48 часов.", 2),
        ("He was held for three days at a police station.", 3),
        ("He had spent 30 days in a detention centre.", 30),
    ],
)
def test_it_reads_days_in_detention(text: str, days: int) -> None:
    found = detention_days(_tokens(text))
    assert found is not None and found.value == days


def test_it_gives_no_days_for_hours_or_for_how_long_ago() -> None:
    assert detention_days(_tokens("The men were held for 12 hours.")) is None
    assert detention_days(_tokens("Две недели назад его задержали.")) is None
