"""One record of a person from the mentions an organisation holds: the best each field has, nothing
invented. A typo or a pseudonym in one mention is outvoted, the most precise date wins, and an age
keeps the date it was given at (an age means nothing without its date)."""

import pytest

from khronika.linkage.consolidate import consolidate
from khronika.linkage.types import PersonRecord


def test_names_follow_most_mentions_and_the_patronymic_comes_from_whoever_gave_it():
    person = consolidate(
        "p1",
        [
            PersonRecord("m1", given_name="Матвей", family_name="Щербакв"),  # a typo
            PersonRecord("m2", given_name="Матвей", family_name="Щербаков", patronymic="Ильич"),
            PersonRecord("m3", given_name="Матвей", family_name="Щербаков"),
            PersonRecord("m4", given_name="Лис"),  # a pseudonym, no family name
        ],
    )
    assert (person.record_id, person.given_name, person.family_name, person.patronymic) == (
        "p1",
        "Матвей",
        "Щербаков",
        "Ильич",
    )


def test_the_most_precise_dates_win_and_an_age_is_not_needed_beside_a_birth_date():
    person = consolidate(
        "p1",
        [
            PersonRecord("m1", birth_date="1995", age=None, incident_date="2025-11"),
            PersonRecord("m2", birth_date="1995-03-14", incident_date="2025"),
            PersonRecord("m3", age=30, incident_date="2025-11-05"),
            PersonRecord("m4", incident_date="2025-11-09"),
        ],
    )
    assert (person.birth_date, person.age) == ("1995-03-14", None)
    assert person.incident_date == "2025-11-05"  # the earliest of the two exact days


def test_an_age_travels_with_the_incident_date_it_was_given_at():
    person = consolidate(
        "p1",
        [
            PersonRecord("m1", incident_date="2025-11-05"),
            PersonRecord("m2", age=30, incident_date="2019-06"),
        ],
    )
    assert (person.age, person.incident_date) == (30, "2019-06")


def test_an_age_without_its_date_is_left_out_rather_than_costing_the_incident_date():
    person = consolidate(
        "p1",
        [PersonRecord("m1", incident_date="2025-11-05"), PersonRecord("m2", age=30)],
    )
    assert (person.age, person.incident_date) == (None, "2025-11-05")


def test_the_place_comes_from_the_mention_that_says_most_and_unreadable_dates_are_passed_over():
    person = consolidate(
        "p1",
        [
            PersonRecord("m1", region="RU-DA", birth_date="14.03.1995"),
            PersonRecord("m2", region="Дагестан", town="Махачкала", birth_date="1995-03"),
            PersonRecord("m3", town="Дербент"),
        ],
    )
    assert (person.region, person.town, person.birth_date) == ("Дагестан", "Махачкала", "1995-03")


def test_one_mention_is_kept_as_it_is_and_none_is_refused():
    mention = PersonRecord(
        "m1", given_name="Фёдор", family_name="Кузнецов", birth_date="1988", region="RU-CE"
    )
    assert consolidate("m1", [mention]) == mention
    with pytest.raises(ValueError, match="at least one mention"):
        consolidate("p1", [])


def test_one_name_in_two_scripts_outvotes_a_typo_and_a_given_name_is_not_lost_to_silence():
    person = consolidate(
        "p1",
        [
            PersonRecord("m1", family_name="Щербакв"),  # the earliest, with a typo
            PersonRecord("m2", family_name="Shcherbakov"),
            PersonRecord("m3", given_name="Матвей", family_name="Щербаков"),
            PersonRecord("m4", given_name="Щербаков", family_name="Матвей"),  # swapped by its source
        ],
    )
    assert (person.given_name, person.family_name) == ("Матвей", "Щербаков")


def test_an_age_comes_with_the_most_precise_readable_date_it_was_given_at():
    person = consolidate(
        "p1",
        [
            PersonRecord("m1", incident_date="2025-11-05"),
            PersonRecord("m2", age=29, incident_date="05.11.2025"),  # unreadable: passed over
            PersonRecord("m3", age=31, incident_date="2020"),
            PersonRecord("m4", age=30, incident_date="2020-05-14"),
        ],
    )
    assert (person.age, person.incident_date) == (30, "2020-05-14")


def test_further_identifiers_are_kept_by_vote_and_the_source_is_left_empty():
    person = consolidate(
        "p1",
        [
            PersonRecord("m1", source="press", identifiers={"passport": "4510 123456"}),
            PersonRecord(
                "m2", source="lawyer", identifiers={"passport": "4510 123456", "phone": "+79001234567"}
            ),
            PersonRecord("m3", source="victim", identifiers={"passport": "4510 123465"}),
        ],
    )
    assert person.identifiers == {"passport": "4510 123456", "phone": "+79001234567"}
    assert person.source == ""
