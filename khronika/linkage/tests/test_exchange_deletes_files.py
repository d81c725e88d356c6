"""The encoded files are deleted after matching (issue 9), unless the operator asks to keep them.

Threat: an encoded file left lying about can be attacked later (frequency attacks); the fewer
copies outlive the exchange, the fewer can be seized.
"""

import io

from django.core.management import call_command

from khronika.linkage import exchange
from khronika.linkage.tests.exchange_helpers import encode_csv, two_lists


def _encode_both(tmp_path):
    list_a, list_b = two_lists()
    secret = exchange.new_secret()
    clk_a, _ = encode_csv(tmp_path, "a", list_a, secret)
    clk_b, _ = encode_csv(tmp_path, "b", list_b, secret)
    return clk_a, clk_b


def test_it_deletes_both_encoded_files_after_matching(tmp_path):
    clk_a, clk_b = _encode_both(tmp_path)
    out = io.StringIO()
    call_command("link", "match", str(clk_a), str(clk_b), "--output", str(tmp_path / "pairs.csv"), stdout=out)
    assert not clk_a.exists() and not clk_b.exists()
    assert (tmp_path / "pairs.csv").exists()
    assert "deleted" in out.getvalue()


def test_it_keeps_them_with_keep(tmp_path):
    clk_a, clk_b = _encode_both(tmp_path)
    call_command(
        "link",
        "match",
        str(clk_a),
        str(clk_b),
        "--output",
        str(tmp_path / "pairs.csv"),
        "--keep",
        stdout=io.StringIO(),
    )
    assert clk_a.exists() and clk_b.exists()
