"""Dates known to the day, the month or the year are compared as the ranges they stand for."""

import datetime as dt

import pytest

from khronika.linkage.normalise import parse_partial_date


def test_a_year_means_the_whole_year():
    year = parse_partial_date("2025")
    assert (year.first, year.last, year.precision) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31), "year")


def test_a_month_means_every_day_of_that_month():
    february = parse_partial_date("2024-02")
    assert (february.first, february.last) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    december = parse_partial_date("2025-12")
    assert december.last == dt.date(2025, 12, 31)


def test_early_november_agrees_with_an_exact_day_in_november():
    assert parse_partial_date("2025-11").overlaps(parse_partial_date("2025-11-03"))
    assert not parse_partial_date("2025-11").overlaps(parse_partial_date("2025-12-01"))
    assert parse_partial_date("2025-11").gap_days(parse_partial_date("2025-12-02")) == 2


def test_an_empty_date_is_unknown():
    assert parse_partial_date("  ") is None


@pytest.mark.parametrize("text", ["03.11.2025", "2025-13", "2025-02-30", "November 2025", "25-11-03"])
def test_it_rejects_a_date_it_cannot_read(text):
    with pytest.raises(ValueError):
        parse_partial_date(text)
