"""Incident dates: absolute and relative expressions, anchored at the publication date, with precision.

Rules find the expressions (Russian and English, every way news writes a date); dateparser turns the
"N units ago" phrases into dates relative to publication. A date later than publication is dropped (it
is a hearing or a deadline, not the incident), and the dateline of an agency story («МАХАЧКАЛА, 14
марта.», "MOSCOW, March 20 —") is marked so that it is not taken for the incident date.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import dateparser  # type: ignore[import-untyped]  # types-dateparser is not in the lock

from khronika.monitoring.extraction.types import IncidentDate

_RU_MONTHS = [
    "январ",
    "феврал",
    "март",
    "апрел",
    "ма",
    "июн",
    "июл",
    "август",
    "сентябр",
    "октябр",
    "ноябр",
    "декабр",
]
_RU_GEN = "|".join(f"{m}(?:я|а)" for m in _RU_MONTHS)  # января, марта, мая
_RU_LOC = "|".join(f"{m}е" for m in _RU_MONTHS)  # январе, марте, мае
_RU_NOM = "|".join(
    [
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ]
)
_EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_EN_ABBR = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Sept": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}
_EN_MONTH = "|".join(_EN_MONTHS + [f"{a}\\.?" for a in _EN_ABBR])
_RU_WEEKDAYS = {
    "понедельник": 0,
    "вторник": 1,
    "сред": 2,
    "четверг": 3,
    "пятниц": 4,
    "суббот": 5,
    "воскресень": 6,
}
_EN_WEEKDAYS = {
    d: i for i, d in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
}
_NUMBERS = {
    "один": 1, "одну": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6,
    "семь": 7, "восемь": 8, "девять": 9, "десять": 10, "одиннадцать": 11, "двенадцать": 12, "пару": 2,
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple of": 2, "few": 3,
}  # fmt: skip
_NUMBER = r"\d{1,2}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True))

_I = re.IGNORECASE
_RU_YEAR = r"(?:\s+(\d{4})(?:\s*(?:года|г\.))?)?(?!\w)"  # «2026 года», «2026 г.»
_EN_YEAR = r"(?:,?\s+(\d{4}))?\b"
_ORDINAL = r"(?:st|nd|rd|th)?"
_PART = r"(начале|середине|конце|первых\s+числах|последних\s+числах)"
_EN_PART = r"(early|mid-?|late|the\s+(?:beginning|start|middle|end)\s+of)"
_RU_WEEKDAY = r"(понедельник|вторник|сред[ау]|четверг|пятниц[ау]|суббот[ау]|воскресенье)"
_EN_WEEKDAY = r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_RU_UNITS = r"(дн(?:я|ей)|день|сут(?:ок|ки)|недел[юиь]|месяц(?:а|ев)?|год(?:а)?|лет|полгода)"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")),
    ("dotted", re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})\b")),
    ("ru_day", re.compile(rf"\b(\d{{1,2}})(?:-го)?\s+({_RU_GEN}){_RU_YEAR}", _I)),
    ("en_day_month", re.compile(rf"\b(\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?({_EN_MONTH}){_EN_YEAR}")),
    ("en_month_day", re.compile(rf"\b({_EN_MONTH})\s+(\d{{1,2}}){_ORDINAL}(?!\d){_EN_YEAR}")),
    ("ru_part_month", re.compile(rf"\bв\s+(?:самом\s+)?{_PART}\s+({_RU_GEN}){_RU_YEAR}", _I)),
    ("ru_month", re.compile(rf"\b(?:в|во)\s+({_RU_LOC}){_RU_YEAR}", _I)),
    ("ru_month_year", re.compile(rf"\b({_RU_NOM}|{_RU_GEN})\s+(\d{{4}})(?:\s*(?:года|г\.))?(?!\w)", _I)),
    (
        "en_month",
        re.compile(rf"\b(?:(?:[Ii]n|[Dd]uring|[Ss]ince)\s+)?(?:{_EN_PART}\s*)?({_EN_MONTH}){_EN_YEAR}"),
    ),
    ("year", re.compile(r"\b(?:(?:в|in)\s+)(20\d\d)(?:\s*(?:году|г\.))?(?!\w)", _I)),
    ("ru_days_back", re.compile(r"\b(позавчера|вчера|накануне|сегодня)\b", _I)),
    (
        "en_days_back",
        re.compile(r"\b(the\s+day\s+before\s+yesterday|yesterday|today|the\s+previous\s+day)\b", _I),
    ),
    ("ru_ago", re.compile(rf"\b(?:({_NUMBER})\s+)?{_RU_UNITS}\s+(?:тому\s+)?назад\b", _I)),
    (
        "en_ago",
        re.compile(
            rf"\b(?:about\s+|some\s+|nearly\s+|almost\s+)?({_NUMBER})\s+(days?|weeks?|months?|years?)\s+ago\b",
            _I,
        ),
    ),
    ("ru_weekday", re.compile(rf"\b(?:в|во)\s+(?:(?:прошл|минувш|эт)\w*\s+)?{_RU_WEEKDAY}\b", _I)),
    ("ru_weekday_night", re.compile(rf"\bв\s+ночь\s+(?:с\s+\w+\s+)?на\s+{_RU_WEEKDAY}\b", _I)),
    ("en_weekday", re.compile(rf"\b(?:(?:last|on|this\s+past|past)\s+)?{_EN_WEEKDAY}\b")),
    (
        "ru_this_month",
        re.compile(r"\b(?:в|на)\s+(прошлом|этом|текущем|минувшем|прошлой|этой)\s+(месяце|неделе)\b", _I),
    ),
    ("en_this_month", re.compile(r"\b(last|this|earlier\s+this|previous)\s+(month|week)\b", _I)),
    ("ru_this_year", re.compile(r"\b(?:в|на)\s+(прошлом|этом|текущем|минувшем)\s+году\b", _I)),
    ("en_this_year", re.compile(r"\b(last|this|earlier\s+this|previous)\s+year\b", _I)),
]
_DATELINE = re.compile(r"^\s*[A-ZА-ЯЁ][A-ZА-ЯЁ .\-]{1,40},\s*$")
_PRECISION_RANK = {"day": 3, "month": 2, "year": 1}


@dataclass(frozen=True)
class DateMention:
    value: IncidentDate
    start: int
    end: int
    confidence: float
    absolute: bool
    dateline: bool = False

    @property
    def rank(self) -> int:
        return _PRECISION_RANK[self.value.precision]


def find_dates(text: str, published: date | None, language: str) -> list[DateMention]:
    """Every date expression in ``text`` in order, resolved against ``published`` (today if unknown)."""
    anchor = published or datetime.now(UTC).date()
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            resolved = _resolve(kind, match, anchor, language)
            if resolved is None or _later_than(resolved[0], anchor):
                continue
            value, confidence, absolute = resolved
            if published is None:
                confidence *= 0.6
            dateline = match.start() < 60 and bool(_DATELINE.match(text[: match.start()]))
            found.append(DateMention(value, match.start(), match.end(), confidence, absolute, dateline))
            taken.append((match.start(), match.end()))
    return sorted(found, key=lambda m: m.start)


def _later_than(value: IncidentDate, anchor: date) -> bool:
    return value.iso > anchor.isoformat()[: len(value.iso)]


def _day(d: date, confidence: float, absolute: bool) -> tuple[IncidentDate, float, bool]:
    return IncidentDate(d.isoformat(), "day"), confidence, absolute


def _month(year: int, month: int, confidence: float, absolute: bool) -> tuple[IncidentDate, float, bool]:
    return IncidentDate(f"{year:04d}-{month:02d}", "month"), confidence, absolute


def _infer_year(month: int, day: int, anchor: date) -> int:
    """The latest year in which the day is not after publication: «3 декабря» read in January is last year."""
    year = anchor.year
    if (month, day) > (anchor.month, anchor.day):
        year -= 1
    return year


def _month_number(name: str, language: str) -> int:
    lowered = name.lower().rstrip(".")
    if language == "ru" or re.match(r"[а-я]", lowered):
        for index, stem in enumerate(_RU_MONTHS):
            # «ма» is May only as a whole word: «марта» is March, found first.
            if (lowered in {"мая", "мае", "май"}) if stem == "ма" else lowered.startswith(stem):
                return index + 1
        return 0
    for index, full in enumerate(_EN_MONTHS):
        if full.lower() == lowered:
            return index + 1
    return _EN_ABBR.get(name.rstrip(".").capitalize(), 0)


def _number(word: str | None) -> int:
    if not word:
        return 1
    word = word.lower()
    return int(word) if word.isdigit() else _NUMBERS.get(re.sub(r"\s+", " ", word), 1)


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not 1 <= month <= 12 or not 1 <= day <= monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def _resolve(  # one branch per kind of expression reads best as a table
    kind: str, m: re.Match[str], anchor: date, language: str
) -> tuple[IncidentDate, float, bool] | None:
    g = m.groups()
    if kind == "iso":
        d = _safe_date(int(g[0]), int(g[1]), int(g[2]))
        return _day(d, 0.95, True) if d else None
    if kind == "dotted":
        year = int(g[2]) + (2000 if len(g[2]) == 2 else 0)
        d = _safe_date(year, int(g[1]), int(g[0]))
        return _day(d, 0.95, True) if d else None
    if kind in {"ru_day", "en_day_month", "en_month_day"}:
        day_text, month_text = (g[1], g[0]) if kind == "en_month_day" else (g[0], g[1])
        month = _month_number(month_text, language)
        if not month:
            return None
        year = int(g[2]) if g[2] else _infer_year(month, int(day_text), anchor)
        d = _safe_date(year, month, int(day_text))
        return _day(d, 0.9 if g[2] else 0.85, True) if d else None
    if kind == "ru_part_month":
        month = _month_number(g[1], language)
        year = int(g[2]) if g[2] else _infer_year(month, 1, anchor)
        return _month(year, month, 0.85, True) if month else None
    if kind in {"ru_month", "en_month"}:
        name, year_text = (g[0], g[1]) if kind == "ru_month" else (g[1], g[2])
        if (
            kind == "en_month"
            and name == "May"
            and not (g[0] or year_text or m.group().lower().startswith("in"))
        ):
            return None  # "May" alone is the verb as often as the month
        if kind == "en_month" and not (
            g[0] or year_text or re.match(r"(in|during|since)\s", m.group().lower())
        ):
            return None
        month = _month_number(name, language)
        year = int(year_text) if year_text else _infer_year(month, 1, anchor)
        return _month(year, month, 0.8, True) if month else None
    if kind == "ru_month_year":
        month = _month_number(g[0], language)
        return _month(int(g[1]), month, 0.8, True) if month else None
    if kind == "year":
        return IncidentDate(g[0], "year"), 0.6, True
    if kind in {"ru_days_back", "en_days_back"}:
        word = g[0].lower()
        back = 2 if ("поза" in word or "before" in word) else 0 if word in {"сегодня", "today"} else 1
        return _day(anchor - timedelta(days=back), 0.8, False)
    if kind in {"ru_ago", "en_ago"}:
        return _ago(m.group(), _number(g[0]), g[1].lower(), anchor, language)
    if kind in {"ru_weekday", "ru_weekday_night"}:
        weekday = next(v for k, v in _RU_WEEKDAYS.items() if g[0].lower().startswith(k))
        return _day(_last_weekday(anchor, weekday), 0.75, False)
    if kind == "en_weekday":
        return _day(_last_weekday(anchor, _EN_WEEKDAYS[g[0]]), 0.75, False)
    if kind in {"ru_this_year", "en_this_year"}:
        previous = g[0].lower().startswith(("прошл", "минувш", "last", "previous"))
        return IncidentDate(str(anchor.year - previous), "year"), 0.5, False
    if kind in {"ru_this_month", "en_this_month"}:
        which, unit = g[0].lower(), g[1].lower()
        previous = which.startswith(("прошл", "минувш", "last", "previous"))
        if unit.startswith(("недел", "week")):
            d = anchor - timedelta(days=7 if previous else 0)
            return _month(d.year, d.month, 0.5, False)
        d = (anchor.replace(day=1) - timedelta(days=1)) if previous else anchor
        return _month(d.year, d.month, 0.6, False)
    return None


def _last_weekday(anchor: date, weekday: int) -> date:
    """The most recent such weekday before publication: "on Saturday" in a Friday story is six days back."""
    back = (anchor.weekday() - weekday) % 7 or 7
    return anchor - timedelta(days=back)


def _ago(
    phrase: str, count: int, unit: str, anchor: date, language: str
) -> tuple[IncidentDate, float, bool] | None:
    """ "три месяца назад", "two weeks ago": dateparser does the calendar arithmetic."""
    if unit == "полгода":
        count, unit = 6, "месяц"
    digits = f"{count} {_unit_word(unit, language)} {'назад' if language == 'ru' else 'ago'}"
    parsed = dateparser.parse(
        digits,
        languages=[language],
        settings={
            "RELATIVE_BASE": datetime.combine(anchor, time()),  # a calendar day: no time zone
            "PREFER_DATES_FROM": "past",
        },
    )
    if parsed is None:
        return None
    d = parsed.date()
    if unit.startswith(("месяц", "month")):
        return _month(d.year, d.month, 0.65, False)
    if unit.startswith(("год", "лет", "year")):
        return IncidentDate(f"{d.year:04d}", "year"), 0.6, False
    return _day(d, 0.65, False)


def _unit_word(unit: str, language: str) -> str:
    if unit.startswith(("дн", "день", "сут", "day")):
        return "дней" if language == "ru" else "days"
    if unit.startswith(("недел", "week")):
        return "недель" if language == "ru" else "weeks"
    if unit.startswith(("месяц", "month")):
        return "месяцев" if language == "ru" else "months"
    return "лет" if language == "ru" else "years"


def best_date(mentions: list[DateMention]) -> DateMention | None:
    """The incident date among a block's dates: the most precise, then absolute, then the first."""
    candidates = [m for m in mentions if not m.dateline]
    if not candidates:
        return None
    return sorted(candidates, key=lambda m: (-m.rank, not m.absolute, m.start))[0]
