"""Files that cannot be matched are refused with a message that says what to do."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from khronika.linkage import exchange
from khronika.linkage.tests.exchange_helpers import encode_csv, two_lists


def _match(tmp_path, first, second):
    call_command(
        "link",
        "match",
        str(first),
        str(second),
        "--output",
        str(tmp_path / "pairs.csv"),
        stdout=io.StringIO(),
    )


def test_it_refuses_files_encoded_under_different_secrets(tmp_path):
    list_a, list_b = two_lists()
    clk_a, _ = encode_csv(tmp_path, "a", list_a, exchange.new_secret())
    clk_b, _ = encode_csv(tmp_path, "b", list_b, exchange.new_secret())
    with pytest.raises(CommandError, match="different secrets"):
        _match(tmp_path, clk_a, clk_b)
    assert not (tmp_path / "pairs.csv").exists()
    assert clk_a.exists() and clk_b.exists()  # nothing deleted: the organisations may need to check


def test_it_refuses_files_encoded_with_another_schema(tmp_path):
    list_a, list_b = two_lists()
    secret = exchange.new_secret()
    clk_a, _ = encode_csv(tmp_path, "a", list_a, secret)
    clk_b, _ = encode_csv(tmp_path, "b", list_b, secret)
    header, rest = clk_b.read_text(encoding="utf-8").split("\n", 1)
    changed = json.loads(header)
    changed["schema"]["groups"][0]["clk"]["features"][0]["hashing"]["strategy"]["bitsPerFeature"] = 100
    clk_b.write_text(json.dumps(changed) + "\n" + rest, encoding="utf-8")
    with pytest.raises(CommandError, match="different settings"):
        _match(tmp_path, clk_a, clk_b)


def test_it_refuses_a_wrongly_typed_secret(tmp_path):
    list_a, _ = two_lists()
    with pytest.raises(CommandError, match="8 groups of 4"):
        encode_csv(tmp_path, "a", list_a, "not-a-secret")
    assert not (tmp_path / "a.clk").exists()


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: "record_id,given_name\n1,Иван\n",  # a person CSV sent by mistake
        lambda text: text.rsplit("\n", 2)[0] + "\n",  # cut off: fewer records than announced
        lambda text: text.replace(text.split("\n")[1].split()[1][:8], "!!!!!!!!", 1),  # damaged line
        lambda text: "",  # empty
    ],
    ids=["another-file", "cut-off", "damaged-line", "empty"],
)
def test_it_refuses_a_malformed_file(tmp_path, damage):
    list_a, list_b = two_lists()
    secret = exchange.new_secret()
    clk_a, _ = encode_csv(tmp_path, "a", list_a, secret)
    clk_b, _ = encode_csv(tmp_path, "b", list_b, secret)
    clk_b.write_text(damage(clk_b.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(
        CommandError, match="not an encoded file from `khronika link encode`, or it is damaged"
    ):
        _match(tmp_path, clk_a, clk_b)
