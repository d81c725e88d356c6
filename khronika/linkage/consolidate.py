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

    - names: the family name most mentions give, counted by its phonetic key so that «Щербаков»
      and "Shcherbakov" vote together against a typo (written as most of them write it); then the
      given name most of the mentions with that family name give, any mention's failing those; the
      patronymic the same way. Names a source evidently swapped are put back in order first;
    - birth: the most precise birth date any mention gives; failing one, an age together with the
      most precise incident date an age was given at (an age means nothing without its date);
    - incident: the most precise incident date, the earliest among equally precise ones;
    - place: the mention that gives the most of region and town;
    - further identifiers: per name, the value most mentions give. The source is left empty: a
      consolidated person has several.
    """
    if not mentions:
        raise ValueError("a person is consolidated from at least one mention")
    ordered = [normalise.order_names(mention.given_name, mention.family_name) for mention in mentions]
    family = _commonest_by_key(family for _, family in ordered)
    family_key = normalise.skeleton(family)
    same_family = [
        given for given, other in ordered if family_key and normalise.skeleton(other) == family_key
    ]
    given = _commonest_by_key(same_family) or _commonest_by_key(given for given, _ in ordered)
    birth_date = _most_precise(mention.birth_date for mention in mentions)
    incident_date = _most_precise(mention.incident_date for mention in mentions)
    age = None
    if not birth_date:
        aged = [mention for mention in mentions if mention.age is not None]
        dated = _most_precise(mention.incident_date for mention in aged)
        if dated:
            age = next(mention.age for mention in aged if mention.incident_date == dated)
            incident_date = dated
    place = max(mentions, key=lambda mention: bool(mention.region) + bool(mention.town))
    names = {name for mention in mentions for name in mention.identifiers}
    return PersonRecord(
        record_id=record_id,
        given_name=given,
        family_name=family,
        patronymic=_commonest_by_key(mention.patronymic for mention in mentions),
        birth_date=birth_date,
        age=age,
        incident_date=incident_date,
        region=place.region,
        town=place.town,
        identifiers={
            name: _commonest_by_key(mention.identifiers.get(name, "") for mention in mentions)
            for name in sorted(names)
        },
    )


def _commonest_by_key(values: Iterable[str]) -> str:
    """The non-empty value whose phonetic key most values share, written as most of those write it.

    Ties go to what came first. Values without a key (digits, say) count as written.
    """
    spellings: dict[str, Counter[str]] = {}
    for value in values:
        if value:
            spellings.setdefault(normalise.skeleton(value) or value, Counter())[value] += 1
    if not spellings:
        return ""
    commonest = max(spellings.values(), key=lambda counts: sum(counts.values()))
    return commonest.most_common(1)[0][0]


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
