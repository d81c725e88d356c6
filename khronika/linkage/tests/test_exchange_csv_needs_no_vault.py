"""``link encode INPUT.csv`` and ``link match`` work on files only: a sealed vault does not stop them.

An organisation may encode a list kept outside Khronika on a machine whose instance is sealed, or
have a partner without Khronika's vault match the files.
"""

import io

from django.core.management import call_command

from khronika.linkage import exchange
from khronika.linkage.tests.exchange_helpers import encode_csv, two_lists
from khronika.vault import state


def test_it_encodes_and_matches_csv_lists_while_the_vault_is_sealed(tmp_path):
    keys = state.keys()
    state.seal()
    try:
        list_a, list_b = two_lists()
        secret = exchange.new_secret()
        clk_a, _ = encode_csv(tmp_path, "a", list_a, secret)
        clk_b, _ = encode_csv(tmp_path, "b", list_b, secret)
        call_command(
            "link",
            "match",
            str(clk_a),
            str(clk_b),
            "--output",
            str(tmp_path / "pairs.csv"),
            stdout=io.StringIO(),
        )
    finally:
        state.unseal(keys)
    assert (tmp_path / "pairs.csv").exists()
