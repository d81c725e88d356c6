"""What the vault costs: encrypted against plain writes and reads, unseal with the search index, search.

Usage (from the repository root)::

    .venv/bin/python -m benchmarks.vault_overhead [--quick] [--backend sqlite|postgresql|both] [--rounds R]

The same workload runs twice on fresh instances, each in a process of its own: once with the vault
(``vault``), once with its cryptography replaced by identity functions (``plain``: the monkeypatch
below, in that child process only), so the ratio of the two times is what encryption costs and
nothing else. Every other step (the ORM, the field machinery, the blind indexes of persons, the
database) is the same in both.

Workload: N persons (names in Cyrillic and Latin script, patronymics, aliases, phone numbers, handles)
and N incidents (a title and a narrative of 1-3 KB mixing Russian and English), written in batches
through the application's own bulk path (``khronika.bulk.insert_rows``, which builds each instance and
encrypts in the fields' ``pre_save``, plus ``index_persons``, as the demo generator and the importer
do), then read back through the ORM touching every decrypted field: all incidents (title and
narrative), all persons (names and contacts), and a random sample of persons opened one by one.

In the vault run it also times sealing and unsealing with the first search (which builds the
in-memory search index, ``khronika.records.search_index``), searches for random words drawn from the
narratives, and requests the incident list (plain pages and text searches) as a documenter who is not
a superuser and sees two of three compartments, through Django's test client.

The last line printed is one JSON object with every figure and ``targets_met``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

from benchmarks.common import fresh_instance, percentiles, run_child

FULL_SIZE = 100_000
QUICK_SIZE = 5_000
TARGET_RATIO = 1.3
TARGET_UNSEAL_SECONDS = 15.0
TARGET_SEARCH_P95_MS = 50.0
ARMS = ("plain", "vault")
# Another port than the test suite's (54329) and records_pages' (54339), so all can run at once.
DEFAULT_PG_PORT = "54369"
BATCH = 2000
OPENED_PERSONS = 1000
SEARCHES = 300
PAGE_REQUESTS = 40
BENCH_USER = "bench-documenter"

PERSON_COLUMNS = (
    "id",
    "pseudonym",
    "compartment_id",
    "given_name",
    "family_name",
    "patronymic",
    "name_latin",
    "aliases",
    "birth_date",
    "contacts",
    "handles",
    "notes",
)
INCIDENT_COLUMNS = (
    "id",
    "reference",
    "compartment_id",
    "title",
    "narrative",
    "date_start",
    "date_end",
    "status",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SIZE:,} persons and incidents")
    parser.add_argument("--size", type=int, default=0, help="persons and incidents (overrides --quick)")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run both variants this many times, alternating which goes first; the fastest run counts",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--child", choices=ARMS, help=argparse.SUPPRESS)
    parser.add_argument("--child-backend", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    size = args.size or (QUICK_SIZE if args.quick else FULL_SIZE)
    if args.child:
        result = run_arm(args.child, args.child_backend or "sqlite", size, args.seed)
        print(json.dumps(result, sort_keys=True))
        return 0

    load_before = os.getloadavg()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = {backend: _run_backend(backend, args, size) for backend in backends}
    summary = {
        "benchmark": "vault_overhead",
        "persons": size,
        "incidents": size,
        "quick": size == QUICK_SIZE,
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "targets": {
            "write_ratio": TARGET_RATIO,
            "read_ratio": TARGET_RATIO,
            "unseal_with_index_seconds": TARGET_UNSEAL_SECONDS,
            "search_p95_ms": TARGET_SEARCH_P95_MS,
        },
        "backends": results,
        "targets_met": all(r.get("targets_met") is True for r in results.values()),
    }
    print(json.dumps(summary, sort_keys=True))
    return 0 if summary["targets_met"] else 1


def _run_backend(backend: str, args: argparse.Namespace, size: int) -> dict[str, Any]:
    """Both variants on ``backend``, ``args.rounds`` times each; the ratios of their fastest runs."""
    runs: dict[str, list[dict[str, Any]]] = {arm: [] for arm in ARMS}
    for round_number in range(args.rounds):
        order = ARMS if round_number % 2 == 0 else tuple(reversed(ARMS))
        for arm in order:
            print(f"== {backend}, {arm}: {size:,} persons and incidents", flush=True)
            arguments = ["--child", arm, "--child-backend", backend, "--size", str(size)]
            arguments += ["--seed", str(args.seed)]
            runs[arm].append(
                run_child(
                    "benchmarks.vault_overhead", arguments, backend, DEFAULT_PG_PORT, f"{backend} {arm}"
                )
            )
    failed = [r["error"] for arm in ARMS for r in runs[arm] if "error" in r]
    if failed:
        return {"error": "; ".join(failed), "targets_met": False}
    best = {arm: _fastest(runs[arm]) for arm in ARMS}
    plain, vault = best["plain"], best["vault"]
    result: dict[str, Any] = {
        "plain": plain,
        "vault": vault,
        "write_ratio": round(vault["write_seconds"] / plain["write_seconds"], 3),
        "read_ratio": round(vault["read_seconds"] / plain["read_seconds"], 3),
        "unseal_with_index_seconds": vault["unseal_with_index_seconds"],
        "search_p95_ms": vault["search"]["p95_ms"],
        # Where the cost lies (information, no target).
        "ratios": {
            "write_persons": _ratio(vault, plain, "write_persons_seconds"),
            "write_incidents": _ratio(vault, plain, "write_incidents_seconds"),
            "write_blind_indexes": _ratio(vault, plain, "write_blind_indexes_seconds"),
            "read_incidents": _ratio(vault, plain, "read_incidents_seconds"),
            "read_persons": _ratio(vault, plain, "read_persons_seconds"),
            "open_person_p50": round(vault["open_persons"]["p50_ms"] / plain["open_persons"]["p50_ms"], 3),
            "unseal_with_index": _ratio(vault, plain, "unseal_with_index_seconds"),
            "database_bytes": _ratio(vault, plain, "database_bytes"),
        },
    }
    result["targets_met"] = (
        result["write_ratio"] <= TARGET_RATIO
        and result["read_ratio"] <= TARGET_RATIO
        and result["unseal_with_index_seconds"] <= TARGET_UNSEAL_SECONDS
        and result["search_p95_ms"] <= TARGET_SEARCH_P95_MS
    )
    print(
        f"{backend}: write ×{result['write_ratio']}  read ×{result['read_ratio']}  "
        f"unseal+index {result['unseal_with_index_seconds']} s  search p95 {result['search_p95_ms']} ms",
        flush=True,
    )
    return result


def _ratio(vault: dict[str, Any], plain: dict[str, Any], key: str) -> float | None:
    return round(vault[key] / plain[key], 3) if plain[key] else None


def _fastest(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run least disturbed by other work on the machine: the fastest writes, with its own reads.

    Writes and reads come from separate runs when those differ; each figure is the least disturbed one.
    """
    by_write = min(runs, key=lambda r: r["write_seconds"])
    by_read = min(runs, key=lambda r: r["read_seconds"])
    best = dict(by_write)
    for key in ("read_seconds", "read_incidents_seconds", "read_persons_seconds", "open_persons"):
        best[key] = by_read[key]
    return best


# --- one variant, in its own process -------------------------------------------------------------------


def run_arm(arm: str, backend: str, size: int, seed: int) -> dict[str, Any]:
    """Build a fresh instance, write and read the workload with or without the vault's cryptography."""
    environment = {
        # Plain HTTP for the test client and a password login, as in the demo.
        "KHRONIKA_REQUIRE_2FA": "0",
        "KHRONIKA_SECURE_COOKIES": "0",
        "KHRONIKA_HSTS_SECONDS": "0",
    }
    with fresh_instance(backend, "khronika-vault-bench", **environment):
        import django

        django.setup()
        if arm == "plain":
            _replace_cryptography_with_identity()
        return _measure_arm(arm, backend, size, seed)


def _replace_cryptography_with_identity() -> None:
    """The baseline: every call the vault's fields make into the cryptographic core does nothing.

    In this benchmark process only. Values are stored as given, data keys are a constant "wrapped" as
    themselves: what remains is exactly what the application does around encryption.
    """
    from khronika.vault import fields

    constant_key = bytes(32)

    def new_data_key() -> bytes:
        return constant_key

    def wrap_data_key(kek: bytes, data_key: bytes, **_: Any) -> bytes:
        return data_key

    def unwrap_data_key(kek: bytes, wrapped: bytes, **_: Any) -> bytes:
        return wrapped

    def encrypt_field(data_key: bytes, value: bytes, **_: Any) -> bytes:
        return value

    def decrypt_field_bound(data_key: bytes, blob: bytes, ad: bytes) -> bytes:
        return blob

    functions = (new_data_key, wrap_data_key, unwrap_data_key, encrypt_field, decrypt_field_bound)
    for function in functions:
        # Only names the fields call: a replaced function they no longer use would measure nothing.
        assert function.__name__ in vars(fields), function.__name__
        setattr(fields, function.__name__, function)


def _measure_arm(arm: str, backend: str, size: int, seed: int) -> dict[str, Any]:
    from django.core.management import call_command

    from khronika.accounts.models import Compartment, User
    from khronika.vault import state
    from khronika.vault.crypto import KdfCost, create_vault

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    # Cheap key derivation: unlocking is not what is measured here (the unseal figure starts from keys).
    keys = create_vault("benchmark only", kdf_cost=KdfCost(time_cost=1, memory_kib=8, parallelism=1)).keys
    state.unseal(keys)
    compartments = [Compartment.objects.create(name=name) for name in ("Hotline", "North Caucasus", "Legal")]
    user = User.objects.create_user(BENCH_USER, uuid.uuid4().hex, role="documenter")
    user.compartments.set(compartments[:2])
    setup_seconds = time.perf_counter() - started

    workload = Workload(random.Random(seed), [c.pk for c in compartments])
    figures: dict[str, Any] = {"arm": arm, "backend": backend, "setup_seconds": round(setup_seconds, 2)}
    figures.update(_write(workload, size))
    print(
        f"{backend} {arm}: wrote {size:,} persons and incidents in {figures['write_seconds']} s", flush=True
    )
    figures["analyse_seconds"] = _refresh_statistics()
    figures.update(_read(random.Random(seed + 1)))
    print(f"{backend} {arm}: read them back in {figures['read_seconds']} s", flush=True)
    words = _search_words(random.Random(seed + 2))
    figures["unseal_with_index_seconds"] = _unseal_with_index(keys, words[0])
    print(
        f"{backend} {arm}: unsealed and built the search index in {figures['unseal_with_index_seconds']} s",
        flush=True,
    )
    figures["search"] = _search(random.Random(seed + 3), words, user)
    figures["pages"] = _pages(random.Random(seed + 4), words, user)
    figures["database_bytes"] = _database_bytes()
    print(
        f"{backend} {arm}: search p95 {figures['search']['p95_ms']} ms, list page p95 "
        f"{figures['pages']['list']['p95_ms']} ms, search page p95 {figures['pages']['search']['p95_ms']} ms",
        flush=True,
    )
    return figures


def _write(workload: Workload, size: int) -> dict[str, Any]:
    """Insert the workload batch by batch; only the writes are timed, not making up the data."""
    from django.db import transaction

    from khronika.bulk import insert_rows
    from khronika.records.blind_indexes import index_persons
    from khronika.records.models import Incident, Person

    timers = {"persons": 0.0, "blind_indexes": 0.0, "incidents": 0.0}
    narrative_bytes = 0
    for start in range(0, size, BATCH):
        count = min(BATCH, size - start)
        persons = [workload.person() for _ in range(count)]
        incidents = [workload.incident() for _ in range(count)]
        narrative_bytes += sum(len(row[4].encode()) for row in incidents)
        with transaction.atomic():
            started = time.perf_counter()
            insert_rows(Person, PERSON_COLUMNS, persons)
            after_persons = time.perf_counter()
            # As the demo generator and the importer do after a bulk insert: exact-lookup digests.
            index_persons(Person(**dict(zip(PERSON_COLUMNS, row, strict=True))) for row in persons)
            after_indexes = time.perf_counter()
            insert_rows(Incident, INCIDENT_COLUMNS, incidents)
            finished = time.perf_counter()
        timers["persons"] += after_persons - started
        timers["blind_indexes"] += after_indexes - after_persons
        timers["incidents"] += finished - after_indexes
    return {
        "write_seconds": round(sum(timers.values()), 2),
        "write_persons_seconds": round(timers["persons"], 2),
        "write_blind_indexes_seconds": round(timers["blind_indexes"], 2),
        "write_incidents_seconds": round(timers["incidents"], 2),
        "narrative_bytes_mean": round(narrative_bytes / size),
    }


def _refresh_statistics() -> float:
    """After the bulk load, what autovacuum (PostgreSQL) or an operator (SQLite) does soon after one,
    as the demo generator does; not timed as part of the writes.

    Without it PostgreSQL has no visibility map, so counting the incidents (which the search index does
    before every search, and the list page too) reads the whole table instead of an index.
    """
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")
    return round(time.perf_counter() - started, 2)


def _read(rng: random.Random) -> dict[str, Any]:
    """Every incident's title and narrative, every person's names and contacts, then persons one by one."""
    from khronika.records.models import Incident, Person

    characters = 0
    started = time.perf_counter()
    for incident in Incident.objects.order_by().iterator(chunk_size=BATCH):
        characters += len(incident.title) + len(incident.narrative)
    after_incidents = time.perf_counter()
    for person in Person.objects.order_by().iterator(chunk_size=BATCH):
        characters += len(person.given_name) + len(person.family_name) + len(person.name_latin)
        characters += len(person.contacts)
    after_persons = time.perf_counter()
    ids = list(Person.objects.order_by().values_list("pk", flat=True))
    opened = []
    for pk in rng.sample(ids, min(OPENED_PERSONS, len(ids))):
        began = time.perf_counter()
        person = Person.objects.get(pk=pk)
        characters += len(f"{person.given_name} {person.family_name} {person.patronymic} {person.contacts}")
        opened.append((time.perf_counter() - began) * 1000)
    finished = time.perf_counter()
    assert characters > 0
    return {
        "read_seconds": round(finished - started, 2),
        "read_incidents_seconds": round(after_incidents - started, 2),
        "read_persons_seconds": round(after_persons - after_incidents, 2),
        "open_persons": percentiles(opened),
    }


def _search_words(rng: random.Random) -> list[str]:
    """Distinct words of four letters or more from the narratives of a random sample of incidents.

    Drawn from the distinct words rather than from running text, so that rare words (a name, a
    place) are asked for as often as the common ones, which match most incidents.
    """
    from khronika.records.models import Incident

    ids = list(Incident.objects.order_by().values_list("pk", flat=True))
    words: set[str] = set()
    for incident in Incident.objects.filter(pk__in=rng.sample(ids, min(200, len(ids)))):
        words.update(w for w in re.findall(r"[^\W\d_]{4,}", incident.narrative))
    ordered = sorted(words)
    rng.shuffle(ordered)
    return ordered


def _unseal_with_index(keys: Any, word: str) -> float:
    """Seconds from handing the keys to a sealed process to the answer of its first search."""
    from khronika.records.search_index import INDEX
    from khronika.vault import state

    state.seal()
    started = time.perf_counter()
    state.unseal(keys)
    INDEX.matching(word)
    return round(time.perf_counter() - started, 2)


def _search(rng: random.Random, words: list[str], user: Any) -> dict[str, Any]:
    """Text searches for random words as the incident list asks them, as the documenter.

    ``search_in_memory`` is what the list runs for a search box query: the user's compartments (a
    non-superuser's access check), the first page plus ``COUNT_BEYOND`` matches in list order, then
    the first page's incident ids. ``INDEX.matching`` (every match of a word, unordered, all
    compartments), which the list uses only when the database must combine the search with other
    filters, is timed beside it as ``all_matches``.
    """
    from django.conf import settings

    from khronika.records.queries import COUNT_BEYOND, search_in_memory
    from khronika.records.search_index import INDEX

    wanted = settings.PAGE_SIZE + COUNT_BEYOND
    times, matches, all_times = [], [], []
    for _ in range(SEARCHES):
        word = rng.choice(words)
        started = time.perf_counter()
        found = search_in_memory(user, word, wanted)
        if found is None:
            raise SystemExit(f"The in-memory index did not answer the search for {word!r}.")
        found[0 : settings.PAGE_SIZE]
        times.append((time.perf_counter() - started) * 1000)
        matches.append(len(found))
        started = time.perf_counter()
        INDEX.matching(word)
        all_times.append((time.perf_counter() - started) * 1000)
    figures: dict[str, Any] = percentiles(times)
    figures["matches_median"] = sorted(matches)[len(matches) // 2]
    figures["matches_max"] = max(matches)
    figures["all_matches"] = percentiles(all_times)
    return figures


def _pages(rng: random.Random, words: list[str], user: Any) -> dict[str, Any]:
    """The incident list (a random page, or a search for a random word) as the documenter, rendered.

    Through Django's test client: the whole view, its queries and its template, without a server.
    """
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
    client.force_login(user)
    visible = _visible_incidents(user)
    last_page = max(1, -(-visible // settings.PAGE_SIZE))
    makers: dict[str, Callable[[], dict[str, str]]] = {
        "list": lambda: {"page": str(rng.randint(1, last_page))},
        "search": lambda: {"q": rng.choice(words)},
    }
    for kind in makers:  # load the view's code and templates
        client.get("/records/incidents/", makers[kind]())
    times: dict[str, list[float]] = {kind: [] for kind in makers}
    plan = [kind for kind in makers for _ in range(PAGE_REQUESTS)]
    rng.shuffle(plan)
    for kind in plan:
        query = makers[kind]()
        started = time.perf_counter()
        response = client.get("/records/incidents/", query)
        times[kind].append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"The incident list answered {response.status_code} to {query}.")
    figures: dict[str, Any] = {kind: percentiles(samples) for kind, samples in times.items()}
    figures["visible_incidents"] = visible
    return figures


def _visible_incidents(user: Any) -> int:
    from khronika.records.queries import find_incidents

    return find_incidents(user, {}).count()


def _database_bytes() -> int:
    """Size of the database on disk (SQLite file and WAL, or PostgreSQL database)."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            row = cursor.fetchone()
            return int(row[0]) if row else 0
    name = str(settings.DATABASES["default"]["NAME"])
    return sum(os.path.getsize(p) for p in (name, f"{name}-wal") if os.path.exists(p))


# --- the synthetic workload ----------------------------------------------------------------------------

PLACES = [
    ("Махачкала", "Makhachkala"),
    ("Грозный", "Grozny"),
    ("Назрань", "Nazran"),
    ("Нальчик", "Nalchik"),
    ("Владикавказ", "Vladikavkaz"),
    ("Черкесск", "Cherkessk"),
    ("Ставрополь", "Stavropol"),
    ("Дербент", "Derbent"),
    ("Хасавюрт", "Khasavyurt"),
    ("Гудермес", "Gudermes"),
    ("Москва", "Moscow"),
    ("Санкт-Петербург", "Saint Petersburg"),
    ("Казань", "Kazan"),
    ("Екатеринбург", "Yekaterinburg"),
    ("Новосибирск", "Novosibirsk"),
    ("Краснодар", "Krasnodar"),
    ("Ростов-на-Дону", "Rostov-on-Don"),
    ("Самара", "Samara"),
]
UNITS = [
    ("Центра «Э»", "Centre E officers"),
    ("уголовного розыска", "criminal investigators"),
    ("районного отдела полиции", "district police officers"),
    ("ФСБ", "FSB officers"),
    ("Росгвардии", "National Guard officers"),
    ("патрульно-постовой службы", "patrol officers"),
]
ACTS = [
    ("Задержание", "Detention"),
    ("Принуждение к разблокировке телефона", "Forced phone unlocking"),
    ("Подставное свидание", "Staged date"),
    ("Угроза аутинга", "Threat of outing"),
    ("Избиение", "Beating"),
    ("Вымогательство", "Extortion"),
    ("Административный штраф", "Administrative fine"),
    ("Депортация", "Deportation"),
    ("Семейное насилие", "Family violence"),
]
SENTENCES_RU = [
    "{date} в городе {place} сотрудники {unit} задержали {name} у подъезда его дома.",
    "По словам {name}, его доставили в отдел и продержали там {n} часов без объяснения причин.",
    "Телефон у него забрали и потребовали назвать пароль; переписку в мессенджерах читали вслух.",
    "Ему угрожали рассказать родственникам о его ориентации, если он не назовёт знакомых.",
    "Адвоката к нему не допустили, протокол задержания не составлялся.",
    "Родственники узнали о задержании только через {n} дней и обратились в прокуратуру.",
    "Встречу ему назначил незнакомец в приложении для знакомств, который оказался сотрудником полиции.",
    "Его избили, на следующий день он обратился в травмпункт, где зафиксировали побои.",
    "Сотрудники потребовали {n} тысяч рублей за то, чтобы материалы не передавали в суд.",
    "Позже он уехал из города {place} и сейчас находится в безопасном месте.",
    "Свидетелем событий был его знакомый {name}, который подтвердил рассказ.",
    "Суд назначил ему штраф по статье 6.21 КоАП, решение он обжаловал.",
    "Ему предложили сотрудничать и сообщать о других мужчинах, с которыми он переписывался.",
    "Паспорт и банковскую карту ему вернули только через {n} дней.",
    "Видеозапись допроса позже распространили в закрытых каналах.",
]
SENTENCES_EN = [
    "On {date} in {place} {unit} detained {name} outside his home.",
    "According to {name}, he was taken to the station and held for {n} hours without explanation.",
    "His phone was seized and he was made to give the passcode; officers read his messages aloud.",
    "He was threatened that his family would be told about his orientation unless he named friends.",
    "He was denied access to a lawyer and no detention report was drawn up.",
    "His relatives learned of the detention only {n} days later and complained to the prosecutor.",
    "A stranger on a dating application arranged the meeting and turned out to be a police officer.",
    "He was beaten; the next day a clinic recorded his injuries.",
    "The officers demanded {n} thousand roubles for not sending the case to court.",
    "He later left {place} and is now somewhere safe.",
    "His acquaintance {name} witnessed the events and confirmed the account.",
    "A court fined him under article 6.21 of the Code of Administrative Offences; he appealed.",
    "He was asked to become an informant and report on other men he had been writing to.",
    "His passport and bank card were returned only after {n} days.",
    "A video of the interrogation was later shared in closed channels.",
]


class Workload:
    """Synthetic persons and incidents, drawn from a seeded generator so both variants write the same."""

    def __init__(self, rng: random.Random, compartment_ids: list[int]) -> None:
        from khronika.records.demo import FAMILY_NAMES, GIVEN_NAMES

        self.rng = rng
        self.compartments = compartment_ids
        self.given = GIVEN_NAMES
        self.family = FAMILY_NAMES
        self.codes = self._codes()
        self.today = date(2026, 11, 1)

    def _codes(self) -> Iterator[int]:
        number = 0
        while True:
            number += 1
            yield number

    @staticmethod
    def _code(prefix: str, number: int) -> str:
        from khronika.records.pseudonyms import ALPHABET

        digits = []
        for _ in range(7):
            number, digit = divmod(number, len(ALPHABET))
            digits.append(ALPHABET[digit])
        return prefix + "-" + "".join(reversed(digits))

    def person(self) -> tuple[Any, ...]:
        rng = self.rng
        given, family = rng.choice(self.given), rng.choice(self.family)
        father = rng.choice(self.given)
        phones = [
            f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
            for _ in range(rng.choice([1, 1, 2]))
        ]
        handle = f"{given[1].lower()}_{rng.randint(1, 9999)}"
        return (
            uuid.uuid4(),
            self._code("P", next(self.codes)),
            rng.choice(self.compartments),
            given[0],
            family[0],
            f"{father[0]}ович" if rng.random() < 0.7 else "",
            f"{given[1]} {family[1]}",
            rng.choice(["", f"{given[0][:3]}а", f"{given[1]}-{rng.randint(1, 99)}"]),
            f"{rng.randint(1965, 2006)}-{rng.randint(1, 12):02d}",
            "\n".join(phones),
            f"telegram @{handle}\nhttps://vk.com/{handle}",
            rng.choice(["", "Просил не звонить после 22:00.", "Prefers Signal; do not call."]),
        )

    def incident(self) -> tuple[Any, ...]:
        rng = self.rng
        place = rng.choice(PLACES)
        act = rng.choice(ACTS)
        day = self.today - timedelta(days=rng.randint(1, 7 * 365))
        return (
            uuid.uuid4(),
            self._code("I", next(self.codes)),
            rng.choice(self.compartments),
            f"{act[0]}: {place[0]} / {act[1]}: {place[1]}",
            self.narrative(place, day),
            day,
            day,
            rng.choice(["reported", "reported", "corroborated", "verified"]),
        )

    def narrative(self, place: tuple[str, str], day: date) -> str:
        """1-3 KB (UTF-8) of Russian then English sentences about one incident."""
        rng = self.rng
        target = rng.randint(1024, 3072)
        unit = rng.choice(UNITS)
        paragraphs: list[list[str]] = [[], []]
        size = 0
        while size < target:
            language = rng.random() < 0.5
            name = rng.choice(self.given)
            template = rng.choice(SENTENCES_RU if language else SENTENCES_EN)
            sentence = template.format(
                date=day.strftime("%d.%m.%Y") if language else day.isoformat(),
                place=place[0] if language else place[1],
                unit=unit[0] if language else unit[1],
                name=name[0] if language else name[1],
                n=rng.randint(2, 72),
            )
            paragraphs[0 if language else 1].append(sentence)
            size += len(sentence.encode()) + 1
        return "\n\n".join(" ".join(p) for p in paragraphs if p)


if __name__ == "__main__":
    sys.exit(main())
