"""An incident date known only to the year sits inside a more precise date of that year.

Encoded as far as the source knew it: "2020" carries the year alone, so it agrees with
"2020-05-14" instead of reading as January 2020 and counting against the pair, while a date in
another month of two precise dates still counts against it.
"""

import numpy as np

from khronika.linkage import exchange, exchange_scoring
from khronika.linkage.types import PersonRecord

# A fixed secret: which bits two tokens share by chance depends on the keys, and with two one-record
# files a level sits near a band's edge under a few secrets in a hundred.
FIXED_SECRET = "XSKA-KWAN-DGRY-NBY6-U2EK-UBP6-PE6M-GGNX"


def _incident_level(first: str, second: str) -> tuple[int, int]:
    """(containment level, evidence bin) of the incident group for two records with these dates."""
    secret = exchange.parse_secret(FIXED_SECRET)
    encoded_a, _ = exchange.encode([PersonRecord("a", incident_date=first)], secret)
    encoded_b, _ = exchange.encode([PersonRecord("b", incident_date=second)], secret)
    side_a, side_b = exchange.filters_by_group(encoded_a), exchange.filters_by_group(encoded_b)
    rows = np.zeros(1, dtype=np.int64)
    level = int(exchange_scoring.levels(side_a, side_b, "incident", rows, rows)[0])
    return level % 7, level // 7


def test_a_year_alone_is_encoded_without_a_month():
    keys = exchange.identity_keys(PersonRecord("a", incident_date="2020"))
    assert keys[8:] == ("2020", "", "")
    keys = exchange.identity_keys(PersonRecord("a", incident_date="2020-05-14"))
    assert keys[8:10] == ("2020", "2020-05") and keys[10]


def test_a_year_agrees_with_a_day_of_that_year_and_disagrees_with_another_year():
    # Most of the year's bits (XOR folding and the other date's tokens blur a few), judged as a
    # year's evidence; another year shares only what two unrelated filters share by chance.
    level, evidence = _incident_level("2020", "2020-05-14")
    assert level >= 3 and evidence == 0
    assert _incident_level("2020", "2021-05-14")[0] <= 1


def test_two_days_of_different_months_disagree_and_the_same_day_agrees():
    level, evidence = _incident_level("2020-05-14", "2020-09-14")
    assert level <= 1 and evidence == 2
    assert _incident_level("2020-05-14", "2020-05-14") == (5, 2)
