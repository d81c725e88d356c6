"""Synthetic incident reports with their truth, for the tests and benchmarks of incident linkage.

One detention reaches a group from the victim, a lawyer, a Telegram channel and an article; each
tells it a little differently. The generator makes true incidents and 1–5 reports of each with the
noise real reports have: a date a day or two off or given only as the month, the town left out, an
act left out or added, a victim left out. The hard case for the model is many unrelated incidents
in the same region and month (a raid wave), so most incidents fall into a few such waves, some on
the same day in the same town with other victims. A few people are victims of two incidents.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace

from khronika.linkage.generator import _places
from khronika.linkage.incident_model import IncidentRecord

# Codes of khronika/records/data/vocabularies/act_type.json that documenters use most.
ACT_CODES = (
    "arbitrary-detention",
    "forced-device-unlocking",
    "device-search",
    "staged-date",
    "threat-of-criminal-charges",
    "beating",
    "threat-of-outing",
    "administrative-fine",
    "extortion",
    "raid-on-venue",
)
SOURCES = (
    "victim",
    "lawyer",
    "relative",
    "hotline",
    "telegram:sk-news",
    "telegram:kavkaz-queer",
    "telegram:ozero",
    "article:novaya",
    "article:meduza",
    "article:ovd",
)
_EPOCH = dt.date(2019, 1, 1)
_WAVE_SHARE = 0.7
"""Share of incidents that fall into a wave: one region, one month, many incidents."""


@dataclass(frozen=True)
class SyntheticIncidents:
    """Reports with their truth: ``incident_of[record_id]`` names the true incident."""

    records: list[IncidentRecord]
    incident_of: dict[str, str]


@dataclass(frozen=True)
class _Incident:
    iid: str
    day: dt.date
    region: tuple[str, str]  # code, name_ru
    town: str
    acts: tuple[str, ...]
    victims: tuple[str, ...]


def generate_incidents(size: int, seed: int = 1) -> SyntheticIncidents:
    """About ``size`` reports (exactly ``size``), shuffled, with ids ``r00001``…"""
    rng = random.Random(seed)  # noqa: S311  # synthetic data must be reproducible, not secret
    regions, towns = _places()
    with_towns = [region for region in regions if towns.get(region[0])]
    waves = [
        (rng.choice(with_towns), _EPOCH + dt.timedelta(days=rng.randrange(6 * 365)))
        for _ in range(max(1, size // 150))
    ]
    reports: list[tuple[str, IncidentRecord]] = []
    victims: list[tuple[str, tuple[str, str]]] = []  # earlier victims, for repeat victimisation
    count = 0
    while len(reports) < size:
        count += 1
        if rng.random() < _WAVE_SHARE:
            region, start = rng.choice(waves)
            day = start + dt.timedelta(days=rng.randrange(28))
        else:
            region = rng.choice(with_towns)
            day = _EPOCH + dt.timedelta(days=rng.randrange(6 * 365))
        code, name_ru = region[0], region[1]
        town = rng.choice(towns[code][:3])[0]  # few towns: incidents meet in the same town
        people = [f"p{count:06d}-{n}" for n in range(rng.choice((1, 1, 1, 2, 2, 3)))]
        if victims and rng.random() < 0.05:
            old, where = rng.choice(victims)
            if where[0] == code:
                people[0] = old
        victims.extend((person, (code, name_ru)) for person in people)
        incident = _Incident(
            f"inc{count:06d}",
            day,
            (code, name_ru),
            town,
            tuple(rng.sample(ACT_CODES, rng.choice((1, 1, 2, 2, 3)))),
            tuple(people),
        )
        sources = rng.sample(SOURCES, rng.choice((1, 2, 2, 3, 3, 4, 5)))
        if len(sources) > 1 and rng.random() < 0.03:
            sources[1] = sources[0]  # a channel posting the same incident twice
        for source in sources:
            reports.append((incident.iid, _report(rng, incident, source)))
    reports = reports[:size]
    rng.shuffle(reports)
    records: list[IncidentRecord] = []
    truth: dict[str, str] = {}
    for number, (iid, record) in enumerate(reports, start=1):
        rid = f"r{number:05d}"
        records.append(replace(record, record_id=rid))
        truth[rid] = iid
    return SyntheticIncidents(records, truth)


def _report(rng: random.Random, incident: _Incident, source: str) -> IncidentRecord:
    roll = rng.random()
    if roll < 0.15:
        date = (incident.day + dt.timedelta(days=rng.choice((-2, -1, 1, 2)))).isoformat()
    elif roll < 0.3:
        date = incident.day.strftime("%Y-%m")
    else:
        date = incident.day.isoformat()
    acts = list(incident.acts)
    if len(acts) > 1 and rng.random() < 0.15:
        acts.remove(rng.choice(acts))
    if rng.random() < 0.1:
        acts.append(rng.choice([code for code in ACT_CODES if code not in acts]))
    persons = list(incident.victims)
    if rng.random() < 0.15:
        persons.remove(rng.choice(persons))
    return IncidentRecord(
        record_id="",
        date=date,
        region=rng.choice(incident.region),
        town="" if rng.random() < 0.2 else incident.town,
        act_types=tuple(acts),
        persons=tuple(persons),
        source=source,
    )
