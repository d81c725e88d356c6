"""Incident dates: every way news writes them, anchored at publication, with their precision."""

from datetime import date

import pytest

from khronika.monitoring.extraction.dates import best_date, find_dates


def _dates(text: str, published: date, language: str) -> list[tuple[str, str, str]]:
    return [
        (text[m.start : m.end], m.value.iso, m.value.precision) for m in find_dates(text, published, language)
    ]


@pytest.mark.parametrize(
    ("text", "published", "iso", "precision"),
    [
        ("Задержание произошло 11 марта.", date(2026, 3, 14), "2026-03-11", "day"),
        ("Протокол составили 22 января 2026 года.", date(2026, 2, 10), "2026-01-22", "day"),
        ("Это случилось 27.05.2026 вечером.", date(2026, 6, 1), "2026-05-27", "day"),
        ("Это было в начале ноября.", date(2026, 11, 25), "2026-11", "month"),
        ("Это было в начале декабря.", date(2026, 2, 3), "2025-12", "month"),
        ("Три месяца назад его вызвали.", date(2026, 4, 2), "2026-01", "month"),
        ("Две недели назад его задержали.", date(2026, 12, 1), "2026-11-17", "day"),
        ("В прошлую пятницу к ней пришли.", date(2026, 10, 12), "2026-10-09", "day"),
        ("Вчера вечером силовики ворвались в бар.", date(2026, 5, 20), "2026-05-19", "day"),
        ("Police came last Tuesday.", date(2026, 4, 10), "2026-04-07", "day"),
        ("He was detained on 3 March.", date(2026, 3, 20), "2026-03-03", "day"),
        ("He was detained on September 18.", date(2026, 9, 22), "2026-09-18", "day"),
        ("It began in early December.", date(2026, 2, 3), "2025-12", "month"),
        ("It was about two months ago.", date(2026, 5, 15), "2026-03", "month"),
        ("He was arrested in April 2025.", date(2026, 11, 3), "2025-04", "month"),
        ("Earlier this year a court fined him.", date(2026, 11, 3), "2026", "year"),
        ("В прошлом году его оштрафовали.", date(2026, 11, 3), "2025", "year"),
    ],
)
def test_it_reads_absolute_and_relative_dates(text: str, published: date, iso: str, precision: str) -> None:
    language = "en" if text.isascii() else "ru"
    found = _dates(text, published, language)
    assert [(iso, precision)] == [(f[1], f[2]) for f in found]


def test_it_takes_an_agency_dateline_for_the_publication_not_the_incident() -> None:
    text = "МАХАЧКАЛА, 14 марта. Задержание произошло 11 марта."
    mentions = find_dates(text, date(2026, 3, 14), "ru")
    assert [m.dateline for m in mentions] == [True, False]
    chosen = best_date(mentions)
    assert chosen is not None and chosen.value.iso == "2026-03-11"


def test_it_drops_dates_after_publication_as_hearings_not_incidents() -> None:
    text = "Суд назначен на 2027-01-15."
    assert find_dates(text, date(2026, 11, 25), "ru") == []


def test_it_does_not_read_may_the_verb_as_a_month() -> None:
    assert find_dates("Officers may come back.", date(2026, 6, 1), "en") == []


def test_it_prefers_the_most_precise_date_in_an_incident() -> None:
    text = "It was in March. On Monday, 9 March, police came."
    chosen = best_date(find_dates(text, date(2026, 3, 20), "en"))
    assert chosen is not None and (chosen.value.iso, chosen.value.precision) == ("2026-03-09", "day")
