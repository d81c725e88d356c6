"""Shared pieces of the exchange tests: two small synthetic lists, one Cyrillic, one Latin, and the
secret passed on a file descriptor as an operator would."""

import os

from django.core.management import call_command

from khronika.linkage.csv_io import write_persons
from khronika.linkage.types import PersonRecord

# (given, family, patronymic, birth, incident, region) in Cyrillic, and as an English-language
# source writes them (another transliteration, a diminutive, a region name instead of a code).
SHARED = [
    (
        ("Матвей", "Щербаков", "Ильич", "1995-03-14", "2025-11-05", "RU-DA"),
        ("Matvey", "Shcherbakov", "", "1995-03-14", "2025-11", "Dagestan"),
    ),
    (
        ("Фёдор", "Кузнецов", "", "1988", "2024-02-10", "RU-CE"),
        ("Fyodor", "Kuznetsov", "", "1988", "2024-02-10", "Chechnya"),
    ),
    (
        ("Юлия", "Соловьёва", "Петровна", "2001-07-30", "2023-06-01", "RU-MOW"),
        ("Iuliia", "Soloveva", "Petrovna", "2001-07-30", "2023-06-01", "Moscow"),
    ),
    (
        ("Александр", "Гаджиев", "", "1990-01-02", "2022-09-15", "RU-DA"),
        ("Sasha", "Gadzhiev", "", "1990-01-02", "2022-09", "RU-DA"),
    ),
    (
        ("Ксения", "Лебедева", "", "1999-12-24", "2021-04-04", "RU-SPE"),
        ("Kseniya", "Lebedeva", "", "1999-12-24", "2021-04-04", "Saint Petersburg"),
    ),
]
ONLY_A = [
    ("Игорь", "Белов", "", "1970-05-05", "2020-01-20", "RU-TA"),
    ("Олег", "Мухин", "", "1983-08-08", "2019-03-03", "RU-NIZ"),
    ("Дарья", "Карпова", "", "1997-02-02", "2025-01-15", "RU-SVE"),
]
ONLY_B = [
    ("Nikolay", "Zuev", "", "1979-10-10", "2018-07-07", "RU-KDA"),
    ("Anna", "Orlova", "", "1993-11-11", "2024-12-12", "RU-ROS"),
]


def _record(record_id, values):
    given, family, patronymic, birth, incident, region = values
    return PersonRecord(
        record_id=record_id,
        given_name=given,
        family_name=family,
        patronymic=patronymic,
        birth_date=birth,
        incident_date=incident,
        region=region,
    )


def two_lists():
    """List A (Cyrillic) and list B (Latin); record ids a-shared-N and b-shared-N are one person."""
    list_a = [_record(f"a-shared-{n}", pair[0]) for n, pair in enumerate(SHARED)]
    list_a += [_record(f"a-only-{n}", values) for n, values in enumerate(ONLY_A)]
    list_b = [_record(f"b-shared-{n}", pair[1]) for n, pair in enumerate(SHARED)]
    list_b += [_record(f"b-only-{n}", values) for n, values in enumerate(ONLY_B)]
    return list_a, list_b


def secret_fd(secret):
    """A pipe's read end holding ``secret``, as ``--secret-fd`` expects."""
    read, write = os.pipe()
    os.write(write, (secret + "\n").encode())
    os.close(write)
    return read


def encode_csv(tmp_path, name, records, secret):
    """Run ``khronika link encode`` on ``records`` written as a person CSV; returns (clk, mapping)."""
    source = tmp_path / f"{name}.csv"
    write_persons(source, records)
    output, mapping = tmp_path / f"{name}.clk", tmp_path / f"{name}.mapping.csv"
    fd = secret_fd(secret)
    try:
        call_command(
            "link",
            "encode",
            str(source),
            "--output",
            str(output),
            "--mapping",
            str(mapping),
            "--secret-fd",
            str(fd),
        )
    finally:
        os.close(fd)
    return output, mapping
