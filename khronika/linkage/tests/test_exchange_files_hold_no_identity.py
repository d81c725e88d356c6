"""Neither the encoded files nor the pairs file hold a name, a name key or a record id.

The encoded file travels to the matcher and the pairs file to both organisations: a name or an id
in either would hand over exactly what the exchange is built not to share.
"""

import io
import json

from django.core.management import call_command

from khronika.linkage import exchange, normalise
from khronika.linkage.tests.exchange_helpers import encode_csv, two_lists


def _forbidden(records):
    words = set()
    for record in records:
        for value in (record.given_name, record.family_name, record.patronymic, record.record_id):
            if value:
                words.add(value.lower())
                words.add(normalise.skeleton(value))
    return {word for word in words if len(word) >= 4}


def test_encoded_and_pairs_files_hold_no_name_or_record_id(tmp_path):
    list_a, list_b = two_lists()
    secret = exchange.new_secret()
    clk_a, map_a = encode_csv(tmp_path, "a", list_a, secret)
    clk_b, _ = encode_csv(tmp_path, "b", list_b, secret)
    texts = {}
    for name, path in (("a", clk_a), ("b", clk_b)):
        header, *lines = path.read_text(encoding="utf-8").splitlines()
        pseudonyms = [line.split()[0] for line in lines]
        # Each line is a random 16-hex-digit pseudonym and the encoding (base64 of the filter bits,
        # where any four letters may turn up by chance: only the readable parts are searched).
        assert all(len(p) == 16 and int(p, 16) >= 0 for p in pseudonyms)
        texts[name] = "\n".join([header, *pseudonyms]).lower()
    pairs_path = tmp_path / "pairs.csv"
    call_command("link", "match", str(clk_a), str(clk_b), "--output", str(pairs_path), stdout=io.StringIO())
    texts["pairs"] = pairs_path.read_text(encoding="utf-8").lower()

    forbidden = _forbidden(list_a + list_b)
    for name, text in texts.items():
        leaked = {word for word in forbidden if word in text}
        assert not leaked, f"{name} holds {leaked}"
    # The header names the format and schema, never the secret.
    header = json.loads(texts["a"].splitlines()[0])
    assert "secret" not in header
    assert secret.replace("-", "").lower() not in texts["a"].replace("-", "")
    # The mapping is the one file that links pseudonyms to records, and only its owner may read it.
    assert map_a.stat().st_mode & 0o077 == 0
    assert "a-shared-0" in map_a.read_text(encoding="utf-8")
