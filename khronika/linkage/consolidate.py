"""One record of a person from the several mentions an organisation holds of them.

Deduplication leaves a cluster of mentions (a victim's own report, a lawyer's, a press article)
for one person. What an organisation sends into an exchange is that person, once: a list that
held each mention apart would offer the partner several records of one person where one-to-one
matching can pair only one, and each mention alone knows less than all of them together (the press
gives no birth date, the lawyer gives the patronymic). ``consolidate`` takes from the mentions
what they know best, field by field, without inventing anything no mention says.

No Django here: the instance (``cli_exchange``) and the benchmark (``exchange_eval``) share it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

from khronika.linkage import normalise
from khronika.linkage.types import PersonRecord

_PRECISION_RANK = {"year": 1, "month": 2, "day": 3}


def consolidate(record_id: str, mentions: Sequence[PersonRecord]) -> PersonRecord:
    """The person the ``mentions`` describe, as one record with ``record_id``.

    - names: the given and family name most mentions agree on (a typo or a pseudonym in one
      mention is outvoted); the patronymic most mentions give;
    - birth: the most precise birth date any mention gives; failing one, an age together with the
      incident date it was given at (an age means nothing without its date, so an age given
      without one is left out);
    - incident: the most precise incident date, the earliest among equally precise ones;
    - place: the mention that gives the most of region and town.
    """
    if not mentions:
        raise ValueError("a person is consolidated from at least one mention")
    given, family = _most_common_name(mentions)
    birth_date = _most_precise(mention.birth_date for mention in mentions)
    incident_date = _most_precise(mention.incident_date for mention in mentions)
    age = None
    if not birth_date:
        aged = next(
            (mention for mention in mentions if mention.age is not None and mention.incident_date), None
        )
        if aged is not None:
            age, incident_date = aged.age, aged.incident_date
    place = max(mentions, key=lambda mention: bool(mention.region) + bool(mention.town))
    return PersonRecord(
        record_id=record_id,
        given_name=given,
        family_name=family,
        patronymic=_most_common(mention.patronymic for mention in mentions),
        birth_date=birth_date,
        age=age,
        incident_date=incident_date,
        region=place.region,
        town=place.town,
    )


def _most_common(values: Iterable[str]) -> str:
    """The non-empty value given most often (the first given, on a tie), or ""."""
    counts = Counter(value for value in values if value)
    return counts.most_common(1)[0][0] if counts else ""


def _most_common_name(mentions: Sequence[PersonRecord]) -> tuple[str, str]:
    named = [mention for mention in mentions if mention.family_name] or list(mentions)
    counts = Counter((mention.given_name, mention.family_name) for mention in named)
    return counts.most_common(1)[0][0]


def _most_precise(dates: Iterable[str]) -> str:
    """The most precise readable date (the earliest on a tie), or "" when none can be read."""
    best: tuple[int, dt.date, str] | None = None
    for text in dates:
        try:
            parsed = normalise.parse_partial_date(text)
        except ValueError:
            continue
        if parsed is None:
            continue
        key = (-_PRECISION_RANK[parsed.precision], parsed.first, text)
        if best is None or key < best:
            best = key
    return best[2] if best is not None else ""
