"""Every exchange has its own secret, and the same list encodes differently under another one.

Threat: files of two exchanges under one secret could be compared or pooled for a frequency attack.
"""

from khronika.linkage import exchange
from khronika.linkage.tests.exchange_helpers import two_lists


def test_it_makes_a_new_secret_every_time():
    secrets = {exchange.new_secret() for _ in range(20)}
    assert len(secrets) == 20
    assert all(len(exchange.parse_secret(s)) == exchange.SECRET_BYTES for s in secrets)


def test_the_same_list_encodes_differently_under_a_fresh_secret():
    list_a, _ = two_lists()
    first, first_map = exchange.encode(list_a, exchange.parse_secret(exchange.new_secret()))
    second, second_map = exchange.encode(list_a, exchange.parse_secret(exchange.new_secret()))
    by_record_first = {first_map[p]: clk for p, clk in first.entries}
    by_record_second = {second_map[p]: clk for p, clk in second.entries}
    assert all(by_record_first[r] != by_record_second[r] for r in by_record_first)
    assert first.check != second.check
    assert not set(first_map) & set(second_map)  # pseudonyms are fresh too
    # Across secrets nothing matches: the files of two exchanges cannot be linked.
    second_as_same = exchange.EncodedList(first.schema, first.check, second.entries)
    assert exchange.match(first, second_as_same) == []


def test_it_accepts_the_secret_however_it_was_typed():
    secret = exchange.new_secret()
    assert exchange.parse_secret(secret.lower().replace("-", " ")) == exchange.parse_secret(secret)


def test_link_secret_prints_a_fresh_secret_to_pass_on_out_of_band():
    import io

    from django.core.management import call_command

    printed = []
    for _ in range(2):
        out = io.StringIO()
        call_command("link", "secret", stdout=out)
        first_line, advice = out.getvalue().splitlines()
        assert len(exchange.parse_secret(first_line)) == exchange.SECRET_BYTES
        assert "out of band" in advice
        printed.append(first_line)
    assert printed[0] != printed[1]
