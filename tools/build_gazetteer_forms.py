"""Fill the ``forms_ru`` column of ``khronika/records/data/gazetteer.csv``.

Why this exists: Russian place names change with grammatical case ("в Махачкале",
"из Дагестана", "под Грозным"), so matching witness statements and news text
against the gazetteer needs every inflected form, not just the nominative.
The forms are precomputed once and stored in the CSV, so Khronika itself needs
no morphology library at run time.

How: words that the OpenCorpora dictionary knows are inflected with pymorphy3;
adjectives and rare Caucasian toponyms it does not know are declined by simple
ending rules; the remaining irregular names are listed in ``OVERRIDES`` (full,
hand-checked form lists) and ``INDECLINABLE``.  Always review new output by hand.

Usage (pymorphy3 is a build-time tool only, not a Khronika dependency)::

    pip install pymorphy3 pymorphy3-dicts-ru
    python tools/build_gazetteer_forms.py          # fill rows with empty forms_ru
    python tools/build_gazetteer_forms.py --all    # recompute every row
    python tools/build_gazetteer_forms.py --check  # exit 1 if --all would change anything
    python tools/build_gazetteer_forms.py --show "Нижний Новгород"  # print forms only
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Mapping
from pathlib import Path

import pymorphy3
from pymorphy3.units.by_lookup import DictionaryAnalyzer

CSV_PATH = Path(__file__).resolve().parent.parent / "khronika/records/data/gazetteer.csv"
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
Forms = dict[str, list[str]]  # case -> variants (first one is the standard form)

# Names that do not decline in ordinary written usage.
# fmt: off
INDECLINABLE: set[str] = {
    "Сочи", "Туапсе", "Улан-Удэ", "Марий Эл", "Коми", "Шали", "Итум-Кали", "Ведено", "Кидеро",
    "Агвали", "Хучни", "Вачи", "Экажево", "Плиево", "Кантышево", "Яндаре", "Залукокоаже",
    "Кашхатау", "Эльхотово", "Гехи",
}
# fmt: on

# Irregular or ambiguous names: the complete, hand-checked list of forms.
# fmt: off
OVERRIDES: dict[str, list[str]] = {
    "Сергиев Посад": ["Сергиев Посад", "Сергиева Посада", "Сергиеву Посаду", "Сергиевым Посадом",
                      "Сергиевом Посаде"],
    "Вышний Волочёк": ["Вышний Волочёк", "Вышнего Волочка", "Вышнему Волочку", "Вышним Волочком",
                       "Вышнем Волочке"],
    "Орехово-Зуево": ["Орехово-Зуево", "Орехова-Зуева", "Орехову-Зуеву", "Ореховом-Зуевом",
                      "Орехове-Зуеве"],
    "Старые Атаги": ["Старые Атаги", "Старых Атагов", "Старым Атагам", "Старыми Атагами",
                     "Старых Атагах"],
    "Леваши": ["Леваши", "Левашей", "Левашам", "Левашами", "Левашах"],
    "Ахты": ["Ахты", "Ахтов", "Ахтам", "Ахтами", "Ахтах"],
    "Самашки": ["Самашки", "Самашек", "Самашкам", "Самашками", "Самашках"],
    "Галашки": ["Галашки", "Галашек", "Галашкам", "Галашками", "Галашках"],
    "Автуры": ["Автуры", "Автуров", "Автурам", "Автурами", "Автурах"],
    "Дубки": ["Дубки", "Дубков", "Дубкам", "Дубками", "Дубках"],
    "Лиски": ["Лиски", "Лисок", "Лискам", "Лисками", "Лисках"],
    "Туймазы": ["Туймазы", "Туймазов", "Туймазам", "Туймазами", "Туймазах"],
    "Минводы": ["Минводы", "Минвод", "Минводам", "Минводами", "Минводах"],
    "Щёкино": ["Щёкино", "Щёкина", "Щёкину", "Щёкином", "Щёкине"],  # dictionary: indeclinable
}
# fmt: on

# Words ending like adjectives that are really nouns.
NOT_ADJ: set[str] = {"шатой", "химой", "курчалой", "толстой", "центорой", "центарой"}
ADJ_SUFFIXES = (
    "ский",
    "ская",
    "ское",
    "ские",
    "цкий",
    "цкая",
    "цкое",
    "цкие",
    "ской",
    "ный",
    "ная",
    "ное",
    "ные",
    "ний",
    "няя",
    "нее",
    "ние",
)
ADJ_ENDINGS = ("ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие")
HUSH = "жшчщц"
COMBINING = {"ханты"}  # first parts of hyphenated adjectives not ending in -о/-е

_morph = pymorphy3.MorphAnalyzer()


def _known(parse: pymorphy3.analyzer.Parse) -> bool:
    return type(parse.methods_stack[0][0]) is DictionaryAnalyzer


def _cap(form: str, like: str) -> str:
    """Copy the capitalisation of ``like`` (title case or lower case) onto ``form``."""
    return form[:1].upper() + form[1:] if like[:1].isupper() else form


def _is_abbrev(seg: str) -> bool:
    return sum(ch.isupper() for ch in seg) >= 2


def is_adjective(word: str) -> bool:
    """True for a (possibly hyphenated) adjective such as "Кабардино-Балкарская"."""
    segs = word.lower().split("-")
    combining = (segs[0].endswith(("о", "е")) and not segs[0].endswith("ье")) or segs[0] in COMBINING
    if len(segs) > 1 and not combining:
        return False  # Гусь-Хрустальный is a noun phrase, not an adjective
    low = segs[-1]
    if low in NOT_ADJ or not low.endswith(ADJ_ENDINGS):
        return False
    if low.endswith(ADJ_SUFFIXES):
        return True
    return any(
        _known(p) and p.tag.POS == "ADJF" and "Poss" not in p.tag and p.tag.case == "nomn"
        for p in _morph.parse(low)
    )


def adjective_forms(word: str) -> tuple[Forms, str, bool]:
    """Decline an adjective by its ending; returns forms, gender and plurality."""
    stem, end = word.lower()[:-2], word.lower()[-2:]
    last = stem[-1:]
    i_or_y = "и" if last in "гкхжшчщ" else "ы"
    f: dict[str, str | list[str]]
    if end in ("ый", "ой") or (end == "ий" and last in "гкх"):
        f = {
            "gent": stem + "ого",
            "datv": stem + "ому",
            "ablt": stem + ("им" if i_or_y == "и" else "ым"),
            "loct": stem + "ом",
        }
        return _adj(word, f), "masc", False
    if end == "ий":  # soft or hushing stem: Нижний, Горячий
        f = {"gent": stem + "его", "datv": stem + "ему", "ablt": stem + "им", "loct": stem + "ем"}
        return _adj(word, f), "masc", False
    if end == "ая":  # stressed hushing stems (Большая) would need an override
        o = "е" if last in HUSH else "о"
        f = {
            "gent": stem + o + "й",
            "datv": stem + o + "й",
            "accs": stem + "ую",
            "ablt": [stem + o + "й", stem + o + "ю"],
            "loct": stem + o + "й",
        }
        return _adj(word, f), "femn", False
    if end == "яя":
        f = {
            "gent": stem + "ей",
            "datv": stem + "ей",
            "accs": stem + "юю",
            "ablt": [stem + "ей", stem + "ею"],
            "loct": stem + "ей",
        }
        return _adj(word, f), "femn", False
    if end in ("ое", "ее"):
        soft = end == "ее"
        f = {
            "gent": stem + ("его" if soft else "ого"),
            "datv": stem + ("ему" if soft else "ому"),
            "ablt": stem + ("им" if soft or i_or_y == "и" else "ым"),
            "loct": stem + ("ем" if soft else "ом"),
        }
        return _adj(word, f), "neut", False
    if end in ("ые", "ие"):
        y = end[0]
        f = {"gent": stem + y + "х", "datv": stem + y + "м", "ablt": stem + y + "ми", "loct": stem + y + "х"}
        return _adj(word, f), "plur", True
    raise ValueError(f"not an adjective: {word}")


def _adj(word: str, f: Mapping[str, str | list[str]]) -> Forms:
    """Fill a full case table; cases missing from ``f`` equal the nominative."""
    out: Forms = {"nomn": [word.lower()]}
    for case in CASES[1:]:
        val = f.get(case, word.lower())
        out[case] = val if isinstance(val, list) else [val]
    return out


def noun_forms(word: str, plural: bool | None = None) -> tuple[Forms, str, bool]:
    """Inflect one noun (no hyphens): dictionary first, then ending rules."""
    low = word.lower()
    if word in INDECLINABLE:
        return {c: [low] for c in CASES}, "masc", False
    cands = [
        p
        for p in _morph.parse(low)
        if _known(p)
        and p.tag.POS == "NOUN"
        and p.tag.case == "nomn"
        and not {"Abbr", "Surn", "Patr", "Name"} & p.tag.grammemes
    ]
    if plural is not None:
        cands = [p for p in cands if (p.tag.number == "plur") == plural] or cands
    cands.sort(
        key=lambda p: ("Geox" not in p.tag, "Pltm" not in p.tag if plural else False, p.tag.animacy != "inan")
    )
    if cands:
        p = cands[0]
        if "Fixd" in p.tag:
            return {c: [low] for c in CASES}, "masc", False
        num = p.tag.number
        out: Forms = {c: [] for c in CASES}
        for f in sorted(p.lexeme, key=lambda f: "V-oy" in f.tag or "V-ey" in f.tag):
            case = {"loc2": "loct"}.get(f.tag.case, f.tag.case)
            if f.tag.number == num and case in out and f.word not in out[case]:
                out[case].append(f.word)
        out["nomn"] = [low]
        gender = "plur" if num == "plur" else (p.tag.gender or "masc")
        return out, gender, num == "plur"
    return _rule_noun(low)


def _table(nomn: str, gent: str, datv: str, ablt: str, loct: str) -> Forms:
    """Case table of a masculine or neuter noun (accusative = nominative)."""
    return {"nomn": [nomn], "gent": [gent], "datv": [datv], "accs": [nomn], "ablt": [ablt], "loct": [loct]}


def _rule_noun(low: str) -> tuple[Forms, str, bool]:
    """Ending-based declension for toponyms missing from the dictionary."""
    stem, last = low[:-1], low[-1]
    if last not in "аеёиоуыэюяйь":
        o = "е" if last in HUSH else "о"
        return _table(low, low + "а", low + "у", low + o + "м", low + "е"), "masc", False
    if last == "й" or (last == "ь" and not low.endswith("ье")):
        loct = stem + ("и" if stem.endswith("и") else "е")
        return _table(low, stem + "я", stem + "ю", stem + "ем", loct), "masc", False
    if low.endswith("ье"):
        return _table(low, stem + "я", stem + "ю", stem + "ем", stem + "е"), "neut", False
    if low.endswith(("ово", "ево", "ёво", "ино", "ыно")):  # Мурино: в Мурине
        return _table(low, stem + "а", stem + "у", stem + "ом", stem + "е"), "neut", False
    if last in "ая":
        i = "и" if last == "я" or stem[-1] in "гкхжшчщ" else "ы"
        e = "и" if stem.endswith("и") else "е"
        o = "е" if last == "я" or stem[-1] in HUSH else "о"
        f = {
            "gent": [stem + i],
            "datv": [stem + e],
            "accs": [stem + ("ю" if last == "я" else "у")],
            "ablt": [stem + o + "й", stem + o + "ю"],
            "loct": [stem + e],
        }
        return {"nomn": [low], **f}, "femn", False
    return {c: [low] for c in CASES}, "masc", False


def token_forms(token: str, plural: bool | None = None) -> tuple[Forms, str, bool]:
    """Inflect one space-free token, handling hyphenated names."""
    segs = token.split("-")
    if (len(segs) == 1 and _is_abbrev(token)) or token in INDECLINABLE:
        return {c: [token] for c in CASES}, "masc", False
    if len(segs) == 1:
        forms, gender, plur = adjective_forms(token) if is_adjective(token) else noun_forms(token, plural)
        return {c: [_cap(f, token) for f in v] for c, v in forms.items()}, gender, plur
    if is_adjective(token):  # Кабардино-Балкарская: only the last part declines
        head, gender, plur = adjective_forms(segs[-1])
        return _join(segs[:-1], head, segs[-1], None), gender, plur
    if "на" in segs[1:-1]:  # Ростов-на-Дону: only the first part declines
        head, gender, plur = noun_forms(segs[0])
        return _join([], head, segs[0], segs[1:]), gender, plur
    if is_adjective(segs[-1]) and not is_adjective(segs[0]):  # Гусь-Хрустальный
        first, gender, plur = noun_forms(segs[0])
        second, _, _ = adjective_forms(segs[-1])
        out: Forms = {}
        for c in CASES:
            n = max(len(first[c]), len(second[c]))
            out[c] = [
                _cap(first[c][min(i, len(first[c]) - 1)], segs[0])
                + "-"
                + "-".join([*segs[1:-1], _cap(second[c][min(i, len(second[c]) - 1)], segs[-1])])
                for i in range(n)
            ]
        return out, gender, plur
    head, gender, plur = noun_forms(segs[-1], plural)  # Южно-Сахалинск, Урус-Мартан
    return _join(segs[:-1], head, segs[-1], None), gender, plur


def _join(prefix: list[str], head: Forms, like: str, suffix: list[str] | None) -> Forms:
    pre = "".join(s + "-" for s in prefix)
    suf = "".join("-" + s for s in suffix or [])
    return {c: [pre + _cap(f, like) + suf for f in v] for c, v in head.items()}


def part_forms(part: str) -> tuple[Forms, bool]:
    """Inflect "adjectives + head noun + frozen tail"; returns forms and has-frozen-tail."""
    tokens = part.split(" ")
    head_i = next((i for i, t in enumerate(tokens) if not is_adjective(t) and not t.startswith("(")), None)
    if head_i is None:  # adjective-only name: Видное, Майский, Наурская
        head_i = len(tokens) - 1
    plural = any(t.lower().endswith(("ые", "ие")) and is_adjective(t) for t in tokens[:head_i]) or None
    head, gender, plur = token_forms(tokens[head_i], plural)
    words = [token_forms(t)[0] for t in tokens[:head_i]] + [head]
    tail = " ".join(tokens[head_i + 1 :])
    out: Forms = {}
    for c in CASES:
        if c == "accs" and (plur or gender != "femn"):
            out[c] = [" ".join(tokens)]
            continue
        n = len(head[c])  # e.g. no "Северною Осетией": adjectives follow the head's variants
        out[c] = [
            " ".join([w[c][min(i, len(w[c]) - 1)] for w in words] + ([tail] if tail else []))
            for i in range(n)
        ]
    return out, bool(tail)


def name_forms(name: str) -> list[str]:
    """All distinct case forms of one name, nominative first."""
    if name in OVERRIDES:
        return list(dict.fromkeys(OVERRIDES[name]))
    if name in INDECLINABLE:
        return [name]
    parts = name.split(" — ")
    first, frozen = part_forms(parts[0])
    per_part = [first]
    for p in parts[1:]:
        per_part.append({c: [p] for c in CASES} if frozen else part_forms(p)[0])
    result: list[str] = []
    for c in CASES:
        n = max(len(pp[c]) for pp in per_part)
        for i in range(n):
            result.append(" — ".join(pp[c][min(i, len(pp[c]) - 1)] for pp in per_part))
    return list(dict.fromkeys(result))


def row_forms(row: dict[str, str]) -> str:
    names = [row["name_ru"]] + [a for a in row["aliases_ru"].split("|") if a]
    return "|".join(dict.fromkeys(f for n in names for f in name_forms(n)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--all", action="store_true", help="recompute every row")
    ap.add_argument("--check", action="store_true", help="only report rows that would change")
    ap.add_argument("--show", metavar="NAME", help="print the forms of NAME and exit")
    ap.add_argument("--csv", type=Path, default=CSV_PATH)
    args = ap.parse_args()
    if args.show:
        print("|".join(name_forms(args.show)))
        return 0
    with args.csv.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    changed = 0
    for row in rows:
        if args.all or args.check or not row["forms_ru"]:
            new = row_forms(row)
            if new != row["forms_ru"]:
                changed += 1
                if args.check:
                    print(f"{row['code']}: {row['forms_ru']!r} -> {new!r}")
                row["forms_ru"] = new
    if args.check:
        print(f"{changed} row(s) differ")
        return 1 if changed else 0
    with args.csv.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"updated {changed} row(s) in {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
