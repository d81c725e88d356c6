"""A pair's probability is weighed against the record's other candidates.

Two records on the other side that look exactly alike cannot both be the person: the matcher says
how unsure it is (about one half each) instead of reporting a guess as certain, and it never pairs
one record twice.
"""

from khronika.linkage import exchange
from khronika.linkage.tests.exchange_helpers import two_lists
from khronika.linkage.types import PersonRecord


def _ivan_found_among(namesakes):
    list_a, list_b = two_lists()
    list_a.append(
        PersonRecord(
            record_id="a-ivan",
            given_name="Иван",
            family_name="Петров",
            birth_date="1990",
            incident_date="2024-03",
            region="RU-MOW",
        )
    )
    for number in range(namesakes):
        list_b.append(
            PersonRecord(
                record_id=f"b-ivan-{number}",
                given_name="Ivan",
                family_name="Petrov",
                birth_date="1990",
                incident_date="2024-03",
                region="Moscow",
            )
        )
    secret = exchange.parse_secret(exchange.new_secret())
    encoded_a, mapping_a = exchange.encode(list_a, secret)
    encoded_b, mapping_b = exchange.encode(list_b, secret)
    pairs = exchange.match(encoded_a, encoded_b, threshold=0.01)
    assert len({p.pseudonym_b for p in pairs}) == len(pairs)  # one partner per record
    return [(mapping_b[p.pseudonym_b], p.probability) for p in pairs if mapping_a[p.pseudonym_a] == "a-ivan"]


def test_a_record_with_one_match_is_paired_with_confidence():
    ((partner, probability),) = _ivan_found_among(1)
    assert partner == "b-ivan-0"
    assert probability > 0.9


def test_two_records_that_look_alike_halve_the_confidence():
    ((partner, probability),) = _ivan_found_among(2)
    assert partner in {"b-ivan-0", "b-ivan-1"}
    assert 0.3 < probability < 0.6
