"""Every translatable string can be found by ``makemessages``.

xgettext knows ``_``, ``gettext``, ``gettext_lazy`` and the other Django names, but not an alias of our
own: strings marked ``_lazy("...")`` were never extracted, so forms of the monitoring sources page, the
spreadsheet importer and the safety registry stayed in English on the Russian interface.
"""

import re
from pathlib import Path

KHRONIKA = Path(__file__).resolve().parents[2]
ALIAS = re.compile(r"from django\.utils\.translation import .*\b(\w+) as (\w+)")


def test_translation_functions_are_only_imported_under_names_makemessages_knows():
    odd = []
    for path in KHRONIKA.rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = ALIAS.search(line)
            if match and match.group(2) != "_":
                odd.append(f"{path.relative_to(KHRONIKA)}:{number}: {match.group(1)} as {match.group(2)}")
    assert odd == []
