"""An age at an incident date is compared with a birth date through the birth dates it allows."""

import datetime as dt

from khronika.linkage.normalise import birth_range, parse_partial_date


def test_an_age_at_an_exact_date_allows_one_year_of_birth_dates():
    allowed = birth_range(None, 30, parse_partial_date("2025-11-05"))
    assert (allowed.first, allowed.last) == (dt.date(1994, 11, 6), dt.date(1995, 11, 5))


def test_an_age_agrees_with_the_birth_date_it_was_counted_from():
    allowed = birth_range(None, 30, parse_partial_date("2025-11-05"))
    assert allowed.overlaps(parse_partial_date("1995-03-14"))
    assert not allowed.overlaps(parse_partial_date("1993-03-14"))


def test_an_incident_known_only_to_the_month_widens_the_range():
    allowed = birth_range(None, 30, parse_partial_date("2025-11"))
    assert (allowed.first, allowed.last) == (dt.date(1994, 11, 2), dt.date(1995, 11, 30))


def test_a_birth_date_wins_over_an_age():
    born = parse_partial_date("1990-05")
    assert birth_range(born, 30, parse_partial_date("2025-11-05")) == born


def test_an_age_without_an_incident_date_says_nothing():
    assert birth_range(None, 30, None) is None
