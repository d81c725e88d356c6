"""Synthetic truth for linkage: people, their incidents, and noisy mentions of them by 1–5 sources.

Every person is made up (names drawn from lists, dates at random). Each mention carries the noise
seen in real material: transliteration under a different system per source (ICAO, BGN/PCGN, GOST
7.79 system A, Library of Congress, Wikipedia's "common English"), diminutives, typos, swapped name
order, a missing patronymic, a birth date known only to the year or replaced by an age, an incident
date shifted or known only to the month, a town without its region or a region without its town,
and now and then a pseudonym that no model can link. The truth (which person each mention is)
comes with it, so tests and benchmarks can score a model. Seeded: one seed, one data set.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass

import iuliia  # type: ignore[import-untyped]  # it ships neither stubs nor py.typed

from khronika.linkage import normalise
from khronika.linkage.types import PersonRecord

_MALE_SURNAMES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
    "Давыдов",
    "Беляев",
    "Герасимов",
    "Богданов",
    "Осипов",
    "Сидоров",
    "Матвеев",
    "Титов",
    "Марков",
    "Миронов",
    "Крылов",
    "Куликов",
    "Карпов",
    "Власов",
    "Мельников",
    "Денисов",
    "Гаврилов",
    "Тихонов",
    "Казаков",
    "Афанасьев",
    "Данилов",
    "Савельев",
    "Тимофеев",
    "Фомин",
    "Чернов",
    "Абрамов",
    "Мартынов",
    "Ефимов",
    "Федотов",
    "Щербаков",
    "Назаров",
    "Калинин",
    "Исаев",
    "Чернышёв",
    "Быков",
    "Маслов",
    "Родионов",
    "Коновалов",
    "Лазарев",
    "Воронин",
    "Климов",
    "Филатов",
    "Пономарёв",
    "Голубев",
    "Кудрявцев",
    "Прохоров",
    "Наумов",
    "Потапов",
    "Журавлёв",
    "Овчинников",
    "Трофимов",
    "Леонов",
    "Соболев",
    "Ермаков",
    "Колесников",
    "Гончаров",
    "Емельянов",
    "Никифоров",
    "Грачёв",
    "Котов",
    "Гришин",
    "Ефремов",
    "Архипов",
    "Громов",
    "Кириллов",
    "Малышев",
    "Панов",
    "Моисеев",
    "Румянцев",
    "Акимов",
    "Кондратьев",
    "Бирюков",
    "Горбунов",
    "Анисимов",
    "Ерёмин",
    "Тихомиров",
    "Галкин",
    "Лукьянов",
    "Михеев",
    "Скворцов",
    "Юдин",
    "Белоусов",
    "Нестеров",
    "Симонов",
    "Прокофьев",
    "Харитонов",
    "Князев",
    "Цветков",
    "Левин",
    "Митрофанов",
    "Воронов",
    "Аксёнов",
    "Софронов",
    "Мальцев",
    "Логинов",
    "Горшков",
    "Савин",
    "Краснов",
    "Майоров",
    "Демидов",
    "Елисеев",
    "Рыбаков",
    "Сафонов",
    "Плотников",
    "Дёмин",
    "Хохлов",
    "Фадеев",
    "Молчанов",
    "Игнатов",
    "Литвинов",
    "Ершов",
    "Ушаков",
    "Дементьев",
    "Рябов",
    "Мухин",
    "Калашников",
    "Леонтьев",
    "Лобанов",
    "Кузин",
    "Корнилов",
    "Евдокимов",
    "Бородин",
    "Платонов",
    "Некрасов",
    "Балашов",
    "Бобров",
    "Жданов",
    "Блинов",
    "Игнатьев",
    "Коротков",
    "Муравьёв",
    "Крюков",
    "Беляков",
    "Богомолов",
    "Дроздов",
    "Лавров",
    "Зуев",
    "Петухов",
    "Ларин",
    "Никулин",
    "Серов",
    "Терентьев",
    "Зотов",
    "Устинов",
    "Фокин",
    "Самойлов",
    "Константинов",
    "Сахаров",
    "Шишкин",
    "Самсонов",
    "Черкасов",
    "Чистяков",
    "Носов",
    "Магомедов",
    "Алиев",
    "Абдуллаев",
    "Гаджиев",
    "Омаров",
    "Рамазанов",
    "Исмаилов",
    "Курбанов",
    "Гасанов",
    "Мусаев",
    "Ахмедов",
    "Кадыров",
    "Масхадов",
    "Умаров",
    "Дудаев",
    "Базаев",
    "Закаев",
    "Эльмурзаев",
    "Хасанов",
    "Юсупов",
    "Шамилов",
    "Ибрагимов",
    "Салихов",
    "Каримов",
    "Валиев",
    "Хайруллин",
    "Галиев",
    "Сафин",
    "Зарипов",
    "Гарипов",
    "Шарипов",
    "Мухаметов",
    "Хабибуллин",
]
_SOURCES = ("victim", "lawyer", "telegram", "press_en", "press_ru", "ngo_partner", "relative", "hotline")
_SCHEMAS = (
    iuliia.ICAO_DOC_9303,
    iuliia.BGN_PCGN,
    iuliia.GOST_779,
    iuliia.ALA_LC,
    iuliia.WIKIPEDIA,
    iuliia.WIKIPEDIA,  # "common English" is what English-language press mostly writes
)
_PSEUDONYMS = ("Лис", "Рыжий", "Котик", "Ветер", "Шторм", "Север", "Тень", "Фокс", "Зайка", "Лёлик")
_EPOCH = dt.date(2018, 1, 1)
_MALE_IN_A = {"Илья", "Никита", "Фома", "Данила"}


@dataclass(frozen=True)
class SyntheticSet:
    """Mentions with their truth: ``person_of[record_id]``, and the script each mention was written in."""

    records: list[PersonRecord]
    person_of: dict[str, str]
    script_of: dict[str, str]  # "cyrillic" or "latin"


@dataclass(frozen=True)
class _Person:
    pid: str
    given: str
    family: str
    patronymic: str
    female: bool
    birth: dt.date
    region: tuple[str, str, str, list[str]]  # code, name_ru, name_en, aliases
    town: tuple[str, str] | None  # name_ru, name_en


def _name_lists() -> tuple[list[str], list[str], dict[str, list[str]]]:
    """Male and female full names of the diminutives list, and each full name's everyday forms."""
    male: set[str] = set()
    female: set[str] = set()
    forms: dict[str, list[str]] = {}
    with (normalise.DATA / "diminutives_ru.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(line for line in handle if not line.startswith("#")):
            full, form = row["full_name"], row["diminutive"]
            if not normalise._CYRILLIC.search(full):
                continue
            is_female = (full[-1] in "ая" and full not in _MALE_IN_A) or full == "Любовь"
            (female if is_female else male).add(full)
            if form != full and normalise._CYRILLIC.search(form):
                forms.setdefault(full, []).append(form)
    return sorted(male), sorted(female), forms


def _places() -> tuple[list[tuple[str, str, str, list[str]]], dict[str, list[tuple[str, str]]]]:
    regions: list[tuple[str, str, str, list[str]]] = []
    towns: dict[str, list[tuple[str, str]]] = {}
    with normalise.GAZETTEER.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["kind"] == "region" and row["code"].startswith("RU-"):
                aliases = normalise._split(row["aliases_ru"]) + normalise._split(row["aliases_en"])
                regions.append((row["code"], row["name_ru"], row["name_en"], aliases))
            elif row["kind"] in {"city", "town"} and row["parent"].startswith("RU-"):
                towns.setdefault(row["parent"], []).append((row["name_ru"], row["name_en"]))
    return regions, towns


def _feminine(surname: str) -> str:
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname


def _patronymic(father: str, female: bool) -> str:
    father = father.replace("ё", "е")  # Пётр → Петрович
    if father.endswith("й") or father.endswith("ь"):
        stem, suffix = father[:-1], "евна" if female else "евич"
    else:
        stem, suffix = father, "овна" if female else "ович"
    return stem + suffix


def _typo(rng: random.Random, text: str) -> str:
    """One keyboard slip: a letter dropped, doubled, swapped with the next, or replaced."""
    if len(text) < 5:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    if kind == 2:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    letters = "абвгдеиклмнопрстуя" if normalise._CYRILLIC.search(text) else "abdeiklmnoprstuv"
    return text[:i] + rng.choice(letters) + text[i + 1 :]


def _latin(text: str, schema: iuliia.Schema) -> str:
    # iuliia leaves ё to some schemas' callers; BGN/PCGN and ISO 9 write ë.
    return str(schema.translate(text)).replace("ё", "ë").replace("Ё", "Ë")


def _partial(rng: random.Random, day: dt.date, weights: tuple[int, int, int]) -> str:
    precision = rng.choices(("day", "month", "year"), weights)[0]
    if precision == "day":
        return day.isoformat()
    if precision == "month":
        return day.strftime("%Y-%m")
    return str(day.year)


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def generate(size: int, seed: int = 1) -> SyntheticSet:
    """About ``size`` mentions (exactly ``size``) of made-up people, with their truth."""
    rng = random.Random(seed)  # noqa: S311  # synthetic data must be reproducible, not secret
    male, female, forms = _name_lists()
    regions, towns = _places()
    surname_weights = [1 / (rank + 1) ** 0.6 for rank in range(len(_MALE_SURNAMES))]
    fathers = [name for name in male if name[-1] not in "аяо"]
    records: list[PersonRecord] = []
    person_of: dict[str, str] = {}
    script_of: dict[str, str] = {}
    counter = 0
    while len(records) < size:
        counter += 1
        is_female = rng.random() < 0.35
        surname = rng.choices(_MALE_SURNAMES, surname_weights)[0]
        region = rng.choice(regions)
        region_towns = towns.get(region[0], [])
        person = _Person(
            pid=f"p{counter:07d}",
            given=rng.choice(female if is_female else male),
            family=_feminine(surname) if is_female else surname,
            patronymic=_patronymic(rng.choice(fathers), is_female),
            female=is_female,
            birth=dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(47 * 365)),
            region=region,
            town=rng.choice(region_towns) if region_towns and rng.random() < 0.85 else None,
        )
        incidents = rng.choices((1, 2, 3), (85, 12, 3))[0]
        for _ in range(incidents):
            incident = _EPOCH + dt.timedelta(days=rng.randrange(8 * 365))
            for _ in range(rng.choices((1, 2, 3, 4, 5), (35, 30, 20, 10, 5))[0]):
                if len(records) >= size:
                    break
                record, script = _mention(rng, person, incident, forms, f"r{len(records) + 1:07d}")
                records.append(record)
                person_of[record.record_id] = person.pid
                script_of[record.record_id] = script
    order = list(range(len(records)))
    rng.shuffle(order)
    return SyntheticSet([records[i] for i in order], person_of, script_of)


def _mention(
    rng: random.Random, person: _Person, incident: dt.date, forms: dict[str, list[str]], record_id: str
) -> tuple[PersonRecord, str]:
    given, family, patronymic = person.given, person.family, person.patronymic
    if forms.get(given) and rng.random() < 0.15:
        given = rng.choice(forms[given])
    if rng.random() < 0.01:  # a pseudonym: the source never knew the name
        given, family, patronymic = rng.choice(_PSEUDONYMS), "", ""
    if rng.random() < 0.5:
        patronymic = ""
    if rng.random() < 0.06:
        given = ""
    script = "cyrillic" if rng.random() < 0.5 else "latin"
    if script == "latin":
        schema = rng.choice(_SCHEMAS)
        given, family, patronymic = (_latin(part, schema) for part in (given, family, patronymic))
    if rng.random() < 0.10:
        family = _typo(rng, family)
    if rng.random() < 0.06:
        given = _typo(rng, given)
    if rng.random() < 0.08:
        given, family = family, given

    birth_date, age = "", None
    roll = rng.random()
    if roll < 0.40:
        birth_date = person.birth.isoformat()
    elif roll < 0.50:
        birth_date = str(person.birth.year)
    elif roll < 0.55:
        birth_date = person.birth.strftime("%Y-%m")
    elif roll < 0.80:
        age = _age_on(person.birth, incident)
    if birth_date and len(birth_date) == 10 and rng.random() < 0.04:  # a mistyped day
        day = rng.randrange(1, 29)
        birth_date = person.birth.replace(day=day).isoformat()

    shifted = incident + dt.timedelta(days=rng.choice((-2, -1, 1, 2))) if rng.random() < 0.10 else incident
    incident_date = _partial(rng, shifted, (70, 25, 5)) if rng.random() < 0.95 else ""

    code, region_ru, region_en, aliases = person.region
    region = rng.choice([code, region_ru, region_en, *aliases]) if aliases or rng.random() < 0.9 else ""
    if script == "cyrillic" and not normalise._CYRILLIC.search(region) and rng.random() < 0.5:
        region = region_ru
    town = ""
    if person.town:
        town = person.town[0] if script == "cyrillic" else person.town[1]
    roll = rng.random()
    if roll < 0.30:
        town = ""  # region only
    elif roll < 0.50 and town:
        region = ""  # town only
    elif roll < 0.58:
        region, town = "", ""

    record = PersonRecord(
        record_id=record_id,
        given_name=given,
        family_name=family,
        patronymic=patronymic,
        birth_date=birth_date,
        age=age,
        incident_date=incident_date,
        region=region,
        town=town,
        source=rng.choice(_SOURCES),
    )
    return record, script
