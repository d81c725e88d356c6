"""Synthetic demo data: realistic in shape, never real people.

Names are drawn at random from lists of common first names and surnames and combined freely; places,
dates and acts follow the mix documenters see (detentions, phone searches, entrapment, threats,
deportation, family violence, fines), weighted towards the North Caucasus.
"""

from __future__ import annotations

import gc
import os
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from khronika.accounts.models import Compartment, User
from khronika.bulk import insert_rows
from khronika.ledger.models import LedgerEntry
from khronika.ledger.services import Event, record_events
from khronika.records.blind_indexes import index_persons
from khronika.records.dates import Precision
from khronika.records.models import (
    Act,
    Consent,
    Incident,
    Information,
    Organisation,
    Person,
    Place,
    Source,
    Term,
)
from khronika.records.pseudonyms import ALPHABET

GIVEN_NAMES = [
    ("Магомед", "Magomed"),
    ("Мурад", "Murad"),
    ("Тимур", "Timur"),
    ("Ислам", "Islam"),
    ("Рамазан", "Ramazan"),
    ("Ахмед", "Akhmed"),
    ("Руслан", "Ruslan"),
    ("Заур", "Zaur"),
    ("Арсен", "Arsen"),
    ("Шамиль", "Shamil"),
    ("Матвей", "Matvei"),
    ("Фёдор", "Fyodor"),
    ("Александр", "Aleksandr"),
    ("Дмитрий", "Dmitry"),
    ("Никита", "Nikita"),
    ("Илья", "Ilya"),
    ("Артём", "Artyom"),
    ("Кирилл", "Kirill"),
    ("Максим", "Maksim"),
    ("Алина", "Alina"),
    ("Мадина", "Madina"),
    ("Зарема", "Zarema"),
    ("Анна", "Anna"),
    ("Екатерина", "Yekaterina"),
    ("Адам", "Adam"),
    ("Хасан", "Khasan"),
    ("Алихан", "Alikhan"),
    ("Саид", "Said"),
    ("Эльдар", "Eldar"),
]
FAMILY_NAMES = [
    ("Магомедов", "Magomedov"),
    ("Алиев", "Aliev"),
    ("Гаджиев", "Gadzhiev"),
    ("Абдуллаев", "Abdullaev"),
    ("Исаев", "Isaev"),
    ("Омаров", "Omarov"),
    ("Кадыров", "Kadyrov"),
    ("Умаров", "Umarov"),
    ("Евлоев", "Yevloev"),
    ("Иванов", "Ivanov"),
    ("Смирнов", "Smirnov"),
    ("Кузнецов", "Kuznetsov"),
    ("Попов", "Popov"),
    ("Волков", "Volkov"),
    ("Соколов", "Sokolov"),
    ("Морозов", "Morozov"),
    ("Хаджиев", "Khadzhiev"),
    ("Цечоев", "Tsechoev"),
    ("Дзагоев", "Dzagoev"),
    ("Кочиев", "Kochiev"),
    ("Шогенов", "Shogenov"),
]
NORTH_CAUCASUS = ["RU-DA", "RU-CE", "RU-IN", "RU-KB", "RU-KC", "RU-SE", "RU-STA"]

# (act type code, weight) — the mix the domain sees; codes come from records/data/vocabularies.
ACT_MIX = [
    ("arbitrary-detention", 20),
    ("forced-device-unlocking", 10),
    ("device-search", 8),
    ("staged-date", 8),
    ("hijacked-account-lure", 4),
    ("threat-of-criminal-charges", 10),
    ("beating", 8),
    ("threat-of-outing", 6),
    ("administrative-fine", 5),
    ("administrative-arrest", 3),
    ("deportation", 3),
    ("pre-deportation-detention", 2),
    ("family-violence", 7),
    ("extortion", 4),
    ("incommunicado-detention", 3),
    ("raid-on-venue", 2),
]

NARRATIVE_RU = (
    "Пострадавший сообщил, что {when} в {place} его задержали сотрудники ({perp}). "
    "По его словам, телефон забрали и потребовали разблокировать, переписку просматривали при нём. "
    "Ему угрожали возбуждением уголовного дела и оглаской. {extra}"
)
NARRATIVE_EN = (
    "The victim reported that {when} in {place} he was detained by {perp}. "
    "He says his phone was taken and he was made to unlock it; officers read his messages in front of him. "
    "He was threatened with criminal charges and with being outed. {extra}"
)
# (Russian, English): both halves of a narrative tell the same story.
EXTRAS = [
    ("Адвоката к нему не допустили.", "He was denied access to a lawyer."),
    ("Родственники не знали, где он находится.", "His relatives did not know where he was held."),
    ("Его отпустили утром.", "He was released in the morning."),
    ("", ""),
]


@dataclass(frozen=True)
class DemoSummary:
    incidents: int
    persons: int
    sources: int
    acts: int


def _weighted(pairs: list[tuple[Any, int]]) -> Callable[[random.Random, int], list[Any]]:
    """Draw ``k`` values by weight (cumulative weights computed once, not at every draw)."""
    values = [p[0] for p in pairs]
    cumulative = list(accumulate(p[1] for p in pairs))
    return lambda rng, k: rng.choices(values, cum_weights=cumulative, k=k)


def _unique_codes(rng: random.Random, prefix: str, count: int, taken: set[str]) -> Iterator[str]:
    """Codes in the shape of ``pseudonyms.new_code``, drawn from the seeded generator.

    Synthetic records need no cryptographic randomness, and drawing from ``secrets`` costs a system call
    per character: two million of them for 100,000 incidents.
    """
    # Seven characters as three pairs and one: one draw and three divisions instead of seven draws.
    pairs = [a + b for a in ALPHABET for b in ALPHABET]
    span = len(pairs)
    produced = 0
    while produced < count:
        number, first = divmod(rng.randrange(len(ALPHABET) ** 7), span)
        number, second = divmod(number, span)
        number, third = divmod(number, span)
        code = f"{prefix}-{pairs[first]}{pairs[second]}{pairs[third]}{ALPHABET[number]}"
        if code not in taken:
            taken.add(code)
            produced += 1
            yield code


def _new_ids(count: int) -> Iterator[uuid.UUID]:
    """Random (version 4) UUIDs from one read of the system's random source rather than one per id.

    The version and variant bits are set on the whole pool at once (two ``translate`` calls over every
    16th byte) rather than by ``UUID(version=4)`` for each id.
    """
    pool = bytearray(os.urandom(16 * count))
    pool[6::16] = pool[6::16].translate(_VERSION_4)
    pool[8::16] = pool[8::16].translate(_RFC_4122_VARIANT)
    raw = bytes(pool)
    for start in range(0, len(raw), 16):
        yield uuid.UUID(bytes=raw[start : start + 16])


_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))
_RFC_4122_VARIANT = bytes((b & 0x3F) | 0x80 for b in range(256))


# From this many incidents on, generate() loads as a bulk import does (a large page cache, statistics
# refreshed at the end). Batches are large because every commit copies the pages the batch touched from
# the WAL back into the database, and random ids touch nearly every index page: at 5,000 incidents a
# batch, 100,000 incidents rewrote the indexes twenty times.
BULK_LOAD = 5000


def generate(
    size: int,
    seed: int = 2026,
    batch: int = 20_000,
    progress: Callable[[int], None] | None = None,
    compartments: list[Compartment] | None = None,
) -> DemoSummary:
    """Write ``size`` synthetic incidents with their acts, victims, sources and ledger entries.

    The records go to ``compartments``, by default every compartment but the duress decoy workspace's
    (which ``khronika.accounts.duress`` fills on its own).
    """
    rng = random.Random(seed)
    if compartments is None:
        compartments = list(Compartment.objects.filter(decoy_workspace__isnull=True).order_by("id"))
    if not compartments:
        raise ValueError("Create the demo compartments first (khronika demo does).")
    vocab = _Vocabularies()
    places = _places()
    units = _units(vocab)
    taken: dict[str, set[str]] = {
        "P": set(Person.objects.values_list("pseudonym", flat=True)),
        "I": set(Incident.objects.values_list("reference", flat=True)),
        "S": set(Source.objects.values_list("reference", flat=True)),
    }
    pick_acts = _weighted(ACT_MIX)
    written = DemoSummary(0, 0, 0, 0)
    bulk = size >= BULK_LOAD
    if bulk and connection.vendor == "sqlite":
        # A large page cache for this connection: the unique indexes (ids, codes, ledger hashes) take
        # random keys, and with SQLite's default 2 MB cache every insert rereads index pages.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    # A bulk load pauses the cyclic garbage collector: the rows made here (tuples of text, ids and dates)
    # form no reference cycles, so it would find nothing, yet its full passes over a heap that grows with
    # every batch cost seconds at 100,000 incidents. Memory is still freed by reference counting.
    collecting = gc.isenabled()
    if bulk:
        gc.disable()
    try:
        for start in range(0, size, batch):
            count = min(batch, size - start)
            summary = _write_batch(rng, count, compartments, vocab, places, units, pick_acts, taken)
            written = DemoSummary(
                *(a + b for a, b in zip(vars(written).values(), vars(summary).values(), strict=True))
            )
            if progress:
                progress(count)
    finally:
        if collecting:
            gc.enable()
    if bulk:
        _refresh_statistics()
    return written


def _refresh_statistics() -> None:
    """After a bulk load, let the query planner see the new tables, as an operator would after an import.

    Without statistics SQLite picks the compartment index for the incident list and sorts every visible
    row for each page; PostgreSQL also needs a VACUUM to mark the pages all-visible for index-only scans
    (VACUUM cannot run inside a transaction, so then it only analyses).
    """
    tables = [m._meta.db_table for m in (Person, Incident, Act, Source, Information, LedgerEntry)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            cursor.execute(f"{command} {', '.join(connection.ops.quote_name(t) for t in tables)}")
        else:
            cursor.execute("ANALYZE")


class _Vocabularies:
    def __init__(self) -> None:
        terms = Term.objects.select_related("vocabulary")
        self.by_code = {(t.vocabulary.code, t.code): t for t in terms}
        self.leaves: dict[str, list[Term]] = {}
        for term in self.by_code.values():
            self.leaves.setdefault(term.vocabulary.code, []).append(term)
        self.pks = {code: [t.pk for t in terms] for code, terms in self.leaves.items()}

    def get(self, vocabulary: str, code: str) -> Term:
        return self.by_code[(vocabulary, code)]

    def any(self, rng: random.Random, vocabulary: str) -> Term:
        return rng.choice(self.leaves[vocabulary])


def _places() -> dict[str, list[Place]]:
    """Towns by region code, with the region itself as a place where no town is listed."""
    by_region: dict[str, list[Place]] = {}
    regions = {p.id: p for p in Place.objects.filter(kind=Place.Kind.REGION)}
    for region in regions.values():
        by_region.setdefault(region.code, []).append(region)
    for town in Place.objects.filter(
        kind__in=[Place.Kind.CITY, Place.Kind.TOWN], parent_id__in=regions
    ).select_related("parent"):
        by_region[regions[town.parent_id].code].append(town)  # type: ignore[index]  # filtered on parent
    return by_region


def _units(vocab: _Vocabularies) -> list[Organisation]:
    """A handful of perpetrator units, created once per demo instance."""
    specs = [
        (
            "Центр по противодействию экстремизму МВД по Республике Дагестан",
            "Centre E, Dagestan Interior Ministry",
            "centre-e",
        ),
        (
            "Уголовный розыск УМВД по г. Махачкале",
            "Criminal investigation department, Makhachkala police",
            "criminal-investigation",
        ),
        ("ОМВД по Ленинскому району г. Грозного", "Leninsky district police, Grozny", "district-police"),
        ("Ленинский районный суд г. Махачкалы", "Leninsky District Court of Makhachkala", "court"),
        ("ЦВСИГ МВД по Республике Дагестан", "Pre-deportation centre, Dagestan", "detention-staff"),
        ("Управление ФСБ по Чеченской Республике", "FSB directorate for the Chechen Republic", "fsb"),
    ]
    units = []
    for name_ru, name_en, type_code in specs:
        perpetrator_type = (
            vocab.by_code.get(("perpetrator_type", type_code)) or vocab.leaves["perpetrator_type"][0]
        )
        unit, _ = Organisation.objects.get_or_create(
            name_en=name_en, defaults={"name_ru": name_ru, "perpetrator_type": perpetrator_type}
        )
        units.append(unit)
    return units


# Column lists for insert_rows: attribute names, in the order _write_batch builds its tuples.
PERSON_FIELDS = (
    "id",
    "vault_id",
    "pseudonym",
    "compartment_id",
    "given_name",
    "family_name",
    "name_latin",
    "birth_date",
    "contacts",
    "gender_id",
    "age_band_id",
    "region_id",
    "created_at",
)
INCIDENT_FIELDS = (
    "id",
    "vault_id",
    "reference",
    "compartment_id",
    "title",
    "narrative",
    "date_start",
    "date_end",
    "date_precision",
    "place_id",
    "region_id",
    "status",
    "created_at",
    "updated_at",
)
ACT_FIELDS = (
    "id",
    "vault_id",
    "incident_id",
    "act_type_id",
    "victim_id",
    "perpetrator_type_id",
    "perpetrator_unit_id",
    "legal_article_id",
    "discovery_method_id",
    "days_detained",
    "fine_rub",
)
SOURCE_FIELDS = (
    "id",
    "vault_id",
    "reference",
    "compartment_id",
    "source_type_id",
    "name",
    "reliability",
    "created_at",
)
INFORMATION_FIELDS = ("id", "vault_id", "source_id", "incident_id", "credibility", "retrieved_on")


@dataclass
class _Batch:
    """Rows of one batch as tuples: a million model instances would cost more than the inserts."""

    persons: list[tuple[Any, ...]] = field(default_factory=list)
    incidents: list[tuple[Any, ...]] = field(default_factory=list)
    acts: list[tuple[Any, ...]] = field(default_factory=list)
    sources: list[tuple[Any, ...]] = field(default_factory=list)
    information: list[tuple[Any, ...]] = field(default_factory=list)

    def write(self) -> DemoSummary:
        tables: list[tuple[type[Model], tuple[str, ...], list[tuple[Any, ...]]]] = [
            (Person, PERSON_FIELDS, self.persons),
            (Incident, INCIDENT_FIELDS, self.incidents),
            (Act, ACT_FIELDS, self.acts),
            (Source, SOURCE_FIELDS, self.sources),
            (Information, INFORMATION_FIELDS, self.information),
        ]
        with transaction.atomic():
            for model, fields, rows in tables:
                insert_rows(model, fields, rows)
            # Just inserted in this transaction: no old indexes to replace.
            index_persons((_PersonValues(row) for row in self.persons), replace=False)
            consents = _demo_consents([row[_PERSON_PK] for row in self.persons])
            record_events(
                None,
                [
                    *(
                        Event("create", model._meta.label_lower, str(row[0]))
                        for model, _fields, rows in tables
                        for row in rows
                    ),
                    *(Event("create", Consent._meta.label_lower, str(pk)) for pk in consents),
                ],
            )
        return DemoSummary(len(self.incidents), len(self.persons), len(self.sources), len(self.acts))


# Shares of demo persons with each consent, so that the statistics, publication and linkage pages have
# someone to count (in production nobody has a consent until staff record it).
DEMO_CONSENT_SHARES = {
    Consent.Scope.STATISTICS: 0.7,
    Consent.Scope.PUBLICATION: 0.4,
    Consent.Scope.LINKAGE: 0.2,
}


def _demo_consents(person_ids: list[uuid.UUID]) -> list[int]:
    """Give each demo person the consents its id falls into (no draw from the generator's random
    stream, so the rest of the demo data stays as it was); returns the new rows' ids."""
    today = timezone.localdate()
    rows = [
        (person_id, scope, today, Consent.Method.WRITTEN)
        for person_id in person_ids
        for scope, share in DEMO_CONSENT_SHARES.items()
        if person_id.int % 100 < share * 100
    ]
    insert_rows(Consent, ("person_id", "scope", "given_on", "method"), rows)
    return list(Consent.objects.filter(person_id__in=person_ids).values_list("pk", flat=True))


class _PersonValues:
    """What ``index_persons`` reads of a demo person, straight from its row (no model instance)."""

    __slots__ = ("contacts", "family_name", "given_name", "name_latin", "pk")
    patronymic = aliases = handles = ""  # the demo leaves them empty

    def __init__(self, row: tuple[Any, ...]) -> None:
        self.pk = row[_PERSON_PK]
        self.given_name = row[_PERSON_GIVEN]
        self.family_name = row[_PERSON_FAMILY]
        self.name_latin = row[_PERSON_LATIN]
        self.contacts = row[_PERSON_CONTACTS]


_PERSON_PK, _PERSON_GIVEN, _PERSON_FAMILY, _PERSON_LATIN, _PERSON_CONTACTS = (
    PERSON_FIELDS.index(name) for name in ("id", "given_name", "family_name", "name_latin", "contacts")
)


def _write_batch(
    rng: random.Random,
    count: int,
    compartments: list[Compartment],
    vocab: _Vocabularies,
    places: dict[str, list[Place]],
    units: list[Organisation],
    pick_acts: Callable[[random.Random, int], list[str]],
    taken: dict[str, set[str]],
) -> DemoSummary:
    """Make up ``count`` incidents with their rows and write them.

    Everything drawn per incident is picked from lists prepared here (primary keys, names, dates as
    text): at 100,000 incidents the model attribute look-ups and date formatting this avoids cost
    seconds.
    """
    region_codes = list(places)
    nc_codes = [c for c in NORTH_CAUCASUS if c in places] or region_codes
    # (place id, region id, Russian name, English name) per region code.
    spots = {
        code: [(p.pk, _region(p).pk, p.name_ru, p.name_en) for p in towns] for code, towns in places.items()
    }
    perpetrators = [(u.pk, u.perpetrator_type_id, u.name_ru, u.name_en) for u in units]
    acts = {
        code: (term.pk, term.label_ru, term.label_en, "detention" in term.code, "administrative" in term.code)
        for code, term in ((c, vocab.by_code.get(("act_type", c))) for c, _w in ACT_MIX)
        if term is not None
    }
    any_act = [
        (t.pk, t.label_ru, t.label_en, "detention" in t.code, "administrative" in t.code)
        for t in vocab.leaves["act_type"]
    ]
    genders, age_bands = vocab.pks["gender"], vocab.pks["age_band"]
    legal_articles, discovery_methods = vocab.pks["legal_article"], vocab.pks["discovery_method"]
    source_types = vocab.pks["source_type"]
    compartment_ids = [c.pk for c in compartments]
    today = timezone.localdate()
    now = timezone.now()
    # Seven years of days, each with the two ways narratives write it.
    days = [today - timedelta(days=n) for n in range(1, 7 * 365 + 1)]
    days_written = [(d, d.strftime("%d.%m.%Y"), d.isoformat()) for d in days]
    birth_years = [str(year) for year in range(1965, 2007)]
    precisions = [Precision.DAY, Precision.MONTH, Precision.YEAR, Precision.APPROXIMATE]
    precision_weights = list(accumulate([70, 20, 5, 5]))
    statuses = [status.value for status in Incident.Status]
    status_weights = list(accumulate([60, 30, 10]))

    # Victims and sources already written in this batch, by compartment (see REPEAT_AFTER).
    victims: dict[Any, list[Any]] = {c: [] for c in compartment_ids}
    informants: dict[Any, list[Any]] = {c: [] for c in compartment_ids}
    batch = _Batch()
    persons, incidents, acts_out = batch.persons, batch.incidents, batch.acts
    sources, information = batch.sources, batch.information
    incident_refs = _unique_codes(rng, "I", count, taken["I"])
    person_refs = _unique_codes(rng, "P", count, taken["P"])
    source_refs = _unique_codes(rng, "S", count, taken["S"])
    ids = _new_ids(7 * count)  # a person, an incident, up to three acts, a source, its information
    vault_ids = _new_ids(7 * count)  # the same rows' vault ids, which their ciphertexts are bound to
    choice, random_number, randrange = rng.choice, rng.random, rng.randrange
    for _ in range(count):
        compartment = choice(compartment_ids)
        place_id, region_id, place_ru, place_en = choice(
            spots[choice(nc_codes) if random_number() < 0.6 else choice(region_codes)]
        )
        day, day_ru, day_iso = choice(days_written)
        precision = rng.choices(precisions, cum_weights=precision_weights)[0]
        start, end = _date_range(day, precision)
        documented = victims[compartment]
        if len(documented) >= REPEAT_AFTER and random_number() < REPEAT_VICTIM:
            victim_id = choice(documented)
        else:
            victim_id = next(ids)
            documented.append(victim_id)
            given_ru, given_en = choice(GIVEN_NAMES)
            family_ru, family_en = choice(FAMILY_NAMES)
            phone = str(randrange(100_000_000, 1_000_000_000))
            persons.append(
                (
                    victim_id,
                    next(vault_ids),
                    next(person_refs),
                    compartment,
                    given_ru,
                    family_ru + ("а" if given_en.endswith("a") else ""),
                    f"{given_en} {family_en}",
                    choice(birth_years),
                    f"+7 9{phone[:2]} {phone[2:5]}-{phone[5:7]}-{phone[7:]}",
                    choice(genders),
                    choice(age_bands),
                    region_id,
                    now,
                )
            )
        # dict.fromkeys: distinct act types in the order drawn (the first one titles the incident).
        act_codes = dict.fromkeys(pick_acts(rng, choice((1, 1, 2, 2, 3))))
        act_terms = [acts.get(code) or choice(any_act) for code in act_codes]
        unit_id, perpetrator_type_id, unit_ru, unit_en = choice(perpetrators)
        incident_id = next(ids)
        _pk, label_ru, label_en, _detention, _administrative = act_terms[0]
        incidents.append(
            (
                incident_id,
                next(vault_ids),
                next(incident_refs),
                compartment,
                f"{label_ru}: {place_ru} / {label_en}: {place_en}",
                _narrative(day_ru, day_iso, place_ru, place_en, unit_ru, unit_en, choice(EXTRAS)),
                start,
                end,
                precision.value,
                place_id,
                region_id,
                rng.choices(statuses, cum_weights=status_weights)[0],
                now,
                now,
            )
        )
        for term_id, _ru, _en, detention, administrative in act_terms:
            acts_out.append(
                (
                    next(ids),
                    next(vault_ids),
                    incident_id,
                    term_id,
                    victim_id,
                    perpetrator_type_id,
                    unit_id,
                    choice(legal_articles) if random_number() < 0.3 else None,
                    choice(discovery_methods),
                    choice(DAYS_DETAINED) if detention else None,
                    choice(FINES_RUB) if administrative else None,
                )
            )
        reporters = informants[compartment]
        if len(reporters) >= REPEAT_AFTER and random_number() < REPEAT_SOURCE:
            source_id = choice(reporters)
        else:
            source_id = next(ids)
            reporters.append(source_id)
            sources.append(
                (
                    source_id,
                    next(vault_ids),
                    next(source_refs),
                    compartment,
                    choice(source_types),
                    f"{choice(GIVEN_NAMES)[0]} (источник)",
                    choice("ABCDF"),
                    now,
                )
            )
        information.append(
            (
                next(ids),
                next(vault_ids),
                source_id,
                incident_id,
                choice("12346"),
                min(today, day + timedelta(days=randrange(61))),
            )
        )
    return batch.write()


# Repeat victims and sources, as in real documentation: once a compartment holds a few dozen of each
# (so small demos, the duress decoy and tests get one victim and one source per incident), some incidents
# concern a person documented before (repeat detentions, renewed threats) and many come from a source
# that reported before (a hotline volunteer, a lawyer, a media outlet, a partner group).
REPEAT_AFTER = 50
REPEAT_VICTIM = 0.15
REPEAT_SOURCE = 0.5
DAYS_DETAINED = [None, 1, 2, 3, 10, 15, 30, 76]
FINES_RUB = [None, 50000, 100000, 200000]


def _region(place: Place) -> Place:
    """The region ``place`` lies in: itself for a region (``_places`` lists towns under their region)."""
    region = place if place.kind == Place.Kind.REGION else place.parent
    assert region is not None
    return region


def _date_range(day: date, precision: Precision) -> tuple[date, date]:
    if precision == Precision.YEAR:
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if precision == Precision.MONTH:
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return start, end
    if precision == Precision.APPROXIMATE:
        return day - timedelta(days=7), day + timedelta(days=7)
    return day, day


def _narrative(
    day_ru: str,
    day_iso: str,
    place_ru: str,
    place_en: str,
    unit_ru: str,
    unit_en: str,
    extra: tuple[str, str],
) -> str:
    ru = NARRATIVE_RU.format(when=day_ru, place=place_ru, perp=unit_ru, extra=extra[0])
    en = NARRATIVE_EN.format(when=day_iso, place=place_en, perp=unit_en, extra=extra[1])
    return f"{ru}\n\n{en}"


DEMO_PASSWORD = "demo-khronika-2026"  # noqa: S105  # printed on the console by `khronika demo`, by design
DEMO_COMPARTMENTS = [
    ("Hotline", "Reports from the hotline and the anonymous form"),
    ("North Caucasus", "Documentation team for the North Caucasus"),
    ("Legal", "Cases handled by the legal team"),
]
DEMO_USERS = [
    ("admin", "admin", ["Hotline", "North Caucasus", "Legal"]),
    ("coordinator", "coordinator", ["Hotline", "North Caucasus", "Legal"]),
    ("documenter", "documenter", ["Hotline", "North Caucasus"]),
    ("analyst", "analyst", ["Hotline", "North Caucasus", "Legal"]),
    ("lawyer", "lawyer", ["Legal"]),
]


def create_demo_staff() -> list[tuple[str, str]]:
    """The demo's compartments and one account per role; returns (username, role) pairs."""
    compartments = {
        name: Compartment.objects.get_or_create(name=name, defaults={"description": description})[0]
        for name, description in DEMO_COMPARTMENTS
    }
    accounts = []
    for username, role, names in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username, DEMO_PASSWORD, role=role, is_staff=role == "admin")
        user.compartments.set([compartments[n] for n in names])
        accounts.append((username, role))
    return accounts
