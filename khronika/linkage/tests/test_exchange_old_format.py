"""A file encoded by an earlier Khronika is refused, saying why.

Format 1 had one composite filter that cannot be scored field by field; format 2 wrote a year-only
incident date as January of that year. Comparing either with a new file would pair nothing or the
wrong people: both organisations must encode again.
"""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from khronika.linkage import exchange
from khronika.linkage.tests.exchange_helpers import encode_csv, two_lists


def _as_version(path, version):
    header, rest = path.read_text(encoding="utf-8").split("\n", 1)
    old = json.loads(header)
    old["version"] = version
    old["schema_id"] = f"khronika-person-v{version}"
    path.write_text(json.dumps(old) + "\n" + rest, encoding="utf-8")


@pytest.mark.parametrize("version", [1, 2])
def test_it_refuses_a_file_of_an_old_format_and_says_to_encode_again(tmp_path, version):
    list_a, list_b = two_lists()
    secret = exchange.new_secret()
    clk_a, _ = encode_csv(tmp_path, "a", list_a, secret)
    clk_b, _ = encode_csv(tmp_path, "b", list_b, secret)
    _as_version(clk_b, version)

    with pytest.raises(exchange.OldFormat):
        exchange.read_encoded(clk_b)
    with pytest.raises(CommandError, match="older version of Khronika") as refused:
        call_command(
            "link",
            "match",
            str(clk_a),
            str(clk_b),
            "--output",
            str(tmp_path / "pairs.csv"),
            stdout=io.StringIO(),
        )
    assert "encode their lists again" in str(refused.value)
    assert not (tmp_path / "pairs.csv").exists()
    assert clk_a.exists() and clk_b.exists()  # nothing deleted: the organisations must look at them


def test_new_files_carry_the_new_format_version(tmp_path):
    list_a, _ = two_lists()
    clk_a, _ = encode_csv(tmp_path, "a", list_a, exchange.new_secret())
    header = json.loads(clk_a.read_text(encoding="utf-8").split("\n", 1)[0])
    assert header["version"] == exchange.FORMAT_VERSION == 3
    assert [group["name"] for group in header["schema"]["groups"]] == [
        "family",
        "given",
        "patronymic",
        "birth",
        "place",
        "incident",
    ]
