from datetime import date

import pytest

from khronika.records.dates import PartialDateError, Precision, format_partial_date, parse_partial_date


def test_it_reads_a_day_a_month_and_a_year():
    assert parse_partial_date("2025-11-03") == (date(2025, 11, 3), date(2025, 11, 3), Precision.DAY)
    assert parse_partial_date("2024-02") == (date(2024, 2, 1), date(2024, 2, 29), Precision.MONTH)
    assert parse_partial_date("2025") == (date(2025, 1, 1), date(2025, 12, 31), Precision.YEAR)


@pytest.mark.parametrize("text", ["", "03.11.2025", "2025-13", "2025-02-30", "1800", "yesterday"])
def test_it_rejects_what_it_cannot_read_with_a_message(text):
    with pytest.raises(PartialDateError) as error:
        parse_partial_date(text)
    assert str(error.value)


def test_it_writes_a_date_at_its_precision():
    assert format_partial_date(date(2025, 11, 1), Precision.MONTH) == "2025-11"
    assert format_partial_date(date(2025, 1, 1), Precision.YEAR) == "2025"
    assert format_partial_date(date(2025, 11, 3), Precision.DAY) == "2025-11-03"
    assert format_partial_date(None, Precision.DAY) == ""
