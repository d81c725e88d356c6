"""Synthetic demo data: realistic in shape, never real people.

Names are drawn at random from lists of common first names and surnames and combined freely; places,
dates and acts follow the mix documenters see (detentions, phone searches, entrapment, threats,
deportation, family violence, fines), weighted towards the North Caucasus.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
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
from khronika.records.models import Act, Incident, Information, Organisation, Person, Place, Source, Term
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
EXTRAS_RU = [
    "Адвоката к нему не допустили.",
    "Родственники не знали, где он находится.",
    "Его отпустили утром.",
    "",
]
EXTRAS_EN = [
    "He was denied access to a lawyer.",
    "His relatives did not know where he was held.",
    "He was released in the morning.",
    "",
]


@dataclass(frozen=True)
class DemoSummary:
    incidents: int
    persons: int
    sources: int
    acts: int


def _weighted(pairs: list[tuple[Any, int]]) -> Callable[[random.Random], Any]:
    values = [p[0] for p in pairs]
    weights = [p[1] for p in pairs]
    return lambda rng: rng.choices(values, weights)[0]


def _unique_codes(rng: random.Random, prefix: str, count: int, taken: set[str]) -> Iterator[str]:
    """Codes in the shape of ``pseudonyms.new_code``, drawn from the seeded generator.

    Synthetic records need no cryptographic randomness, and drawing from ``secrets`` costs a system call
    per character: two million of them for 100,000 incidents.
    """
    produced = 0
    while produced < count:
        code = prefix + "-" + "".join(rng.choices(ALPHABET, k=7))
        if code not in taken:
            taken.add(code)
            produced += 1
            yield code


def _new_ids(count: int) -> Iterator[uuid.UUID]:
    """Random (version 4) UUIDs from one read of the system's random source rather than one per id."""
    pool = os.urandom(16 * count)
    for start in range(0, len(pool), 16):
        yield uuid.UUID(bytes=pool[start : start + 16], version=4)


def generate(
    size: int,
    seed: int = 2026,
    batch: int = 5000,
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
    pick_act = _weighted(ACT_MIX)
    written = DemoSummary(0, 0, 0, 0)
    bulk = size >= batch
    if bulk and connection.vendor == "sqlite":
        # A large page cache for this connection: the unique indexes (ids, codes, ledger hashes) take
        # random keys, and with SQLite's default 2 MB cache every insert rereads index pages.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    for start in range(0, size, batch):
        count = min(batch, size - start)
        summary = _write_batch(rng, count, compartments, vocab, places, units, pick_act, taken)
        written = DemoSummary(
            *(a + b for a, b in zip(vars(written).values(), vars(summary).values(), strict=True))
        )
        if progress:
            progress(count)
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
SOURCE_FIELDS = ("id", "reference", "compartment_id", "source_type_id", "name", "reliability", "created_at")
INFORMATION_FIELDS = ("id", "source_id", "incident_id", "credibility", "retrieved_on")


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
            index_persons(Person(**dict(zip(PERSON_FIELDS, row, strict=True))) for row in self.persons)
            record_events(
                None,
                (
                    Event("create", model._meta.label_lower, str(row[0]))
                    for model, _fields, rows in tables
                    for row in rows
                ),
            )
        return DemoSummary(len(self.incidents), len(self.persons), len(self.sources), len(self.acts))


def _write_batch(
    rng: random.Random,
    count: int,
    compartments: list[Compartment],
    vocab: _Vocabularies,
    places: dict[str, list[Place]],
    units: list[Organisation],
    pick_act: Callable[[random.Random], str],
    taken: dict[str, set[str]],
) -> DemoSummary:
    region_codes = list(places)
    nc_codes = [c for c in NORTH_CAUCASUS if c in places] or region_codes
    batch = _Batch()
    incident_refs = _unique_codes(rng, "I", count, taken["I"])
    person_refs = _unique_codes(rng, "P", count, taken["P"])
    source_refs = _unique_codes(rng, "S", count, taken["S"])
    ids = _new_ids(7 * count)  # a person, an incident, up to three acts, a source, its information
    today = timezone.localdate()
    now = timezone.now()
    statuses = list(Incident.Status)
    for _ in range(count):
        compartment = rng.choice(compartments)
        region_code = rng.choice(nc_codes) if rng.random() < 0.6 else rng.choice(region_codes)
        place = rng.choice(places[region_code])
        region = place if place.kind == Place.Kind.REGION else place.parent
        assert region is not None  # _places lists towns under their region
        day = today - timedelta(days=rng.randint(1, 7 * 365))
        precision = rng.choices(
            [Precision.DAY, Precision.MONTH, Precision.YEAR, Precision.APPROXIMATE], [70, 20, 5, 5]
        )[0]
        start, end = _date_range(day, precision)
        given = rng.choice(GIVEN_NAMES)
        family = rng.choice(FAMILY_NAMES)
        victim_id = next(ids)
        batch.persons.append(
            (
                victim_id,
                next(person_refs),
                compartment.pk,
                given[0],
                family[0] + ("а" if given[1].endswith("a") else ""),
                f"{given[1]} {family[1]}",
                f"{rng.randint(1965, 2006)}",
                f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
                vocab.any(rng, "gender").pk,
                vocab.any(rng, "age_band").pk,
                region.pk,
                now,
            )
        )
        act_codes = {pick_act(rng) for _ in range(rng.choice([1, 1, 2, 2, 3]))}
        act_terms = [vocab.by_code.get(("act_type", c)) or vocab.any(rng, "act_type") for c in act_codes]
        unit = rng.choice(units)
        incident_id = next(ids)
        batch.incidents.append(
            (
                incident_id,
                next(incident_refs),
                compartment.pk,
                f"{act_terms[0].label_ru}: {place.name_ru} / {act_terms[0].label_en}: {place.name_en}",
                _narrative(rng, place, unit, day),
                start,
                end,
                precision.value,
                place.pk,
                region.pk,
                rng.choices(statuses, [60, 30, 10])[0].value,
                now,
                now,
            )
        )
        for term in act_terms:
            batch.acts.append(
                (
                    next(ids),
                    incident_id,
                    term.pk,
                    victim_id,
                    unit.perpetrator_type_id,
                    unit.pk,
                    vocab.any(rng, "legal_article").pk if rng.random() < 0.3 else None,
                    vocab.any(rng, "discovery_method").pk,
                    rng.choice([None, 1, 2, 3, 10, 15, 30, 76]) if "detention" in term.code else None,
                    rng.choice([None, 50000, 100000, 200000]) if "administrative" in term.code else None,
                )
            )
        source_id = next(ids)
        batch.sources.append(
            (
                source_id,
                next(source_refs),
                compartment.pk,
                vocab.any(rng, "source_type").pk,
                f"{rng.choice(GIVEN_NAMES)[0]} (источник)",
                rng.choice("ABCDF"),
                now,
            )
        )
        batch.information.append(
            (
                next(ids),
                source_id,
                incident_id,
                rng.choice("12346"),
                min(today, day + timedelta(days=rng.randint(0, 60))),
            )
        )
    return batch.write()


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


def _narrative(rng: random.Random, place: Place, unit: Organisation, day: date) -> str:
    ru = NARRATIVE_RU.format(
        when=day.strftime("%d.%m.%Y"), place=place.name_ru, perp=unit.name_ru, extra=rng.choice(EXTRAS_RU)
    )
    en = NARRATIVE_EN.format(
        when=day.isoformat(), place=place.name_en, perp=unit.name_en, extra=rng.choice(EXTRAS_EN)
    )
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
