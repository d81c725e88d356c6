"""A field one list does not know leaves a pair neutral; a field that disagrees counts against it.

Scored group by group, the person whose second mention lacks a birth date and region still pairs
with the first, not with the namesake of the same region and birth year, born on another day and
detained on another day.
"""

from khronika.linkage import exchange
from khronika.linkage.tests.exchange_helpers import two_lists
from khronika.linkage.types import PersonRecord


def test_a_missing_field_does_not_count_against_a_pair_but_a_different_one_does():
    list_a, list_b = two_lists()
    list_a.append(
        PersonRecord(
            record_id="a-ivan",
            given_name="Иван",
            family_name="Петров",
            birth_date="1990-05-05",
            incident_date="2024-03-01",
            region="RU-MOW",
        )
    )
    list_b += [
        # The same man, from a source that knew neither his birth date nor his region.
        PersonRecord(record_id="b-ivan", given_name="Ivan", family_name="Petrov", incident_date="2024-03-01"),
        # A namesake of the same region and birth year, born and detained on other days.
        PersonRecord(
            record_id="b-namesake",
            given_name="Ivan",
            family_name="Petrov",
            birth_date="1990-11-20",
            incident_date="2024-07-07",
            region="RU-MOW",
            town="Зеленоград",
        ),
    ]
    secret = exchange.parse_secret(exchange.new_secret())
    encoded_a, mapping_a = exchange.encode(list_a, secret)
    encoded_b, mapping_b = exchange.encode(list_b, secret)

    found = {mapping_a[p.pseudonym_a]: mapping_b[p.pseudonym_b] for p in exchange.match(encoded_a, encoded_b)}

    assert found["a-ivan"] == "b-ivan"
    assert "b-namesake" not in found.values()
