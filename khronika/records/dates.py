"""Dates as people know them: a day, a month, a year, or roughly.

A victim remembers "early November 2025"; a lawyer has the exact day. Both are kept with their precision
so that statistics and linkage never pretend to more than was known.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    DAY = "day", _("exact day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")
    APPROXIMATE = "approximate", _("approximate")


_PARTIAL_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")


class PartialDateError(ValueError):
    pass


def parse_partial_date(text: str) -> tuple[date, date, Precision]:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into (first day, last day, precision).

    >>> parse_partial_date("2025-11")
    (datetime.date(2025, 11, 1), datetime.date(2025, 11, 30), <Precision.MONTH: 'month'>)
    """
    match = _PARTIAL_DATE.match(text or "")
    if not match:
        raise PartialDateError(_("Write the date as 2025-11-03, 2025-11 or 2025."))
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    if not 1900 <= year <= 2100:
        raise PartialDateError(_("The year must be between 1900 and 2100."))
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31), Precision.YEAR
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return date(year, month, 1), date(year, month, last), Precision.MONTH
        exact = date(year, month, day)
    except ValueError:
        raise PartialDateError(_("There is no such date in the calendar.")) from None
    return exact, exact, Precision.DAY


def format_partial_date(start: date | None, precision: str) -> str:
    """The ISO text of a date at its precision: ``2025``, ``2025-11`` or ``2025-11-03``."""
    if start is None:
        return ""
    if precision == Precision.YEAR:
        return f"{start.year:04d}"
    if precision == Precision.MONTH:
        return f"{start.year:04d}-{start.month:02d}"
    return start.isoformat()
