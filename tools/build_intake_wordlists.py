"""Build the word lists of the intake receipt phrases (``khronika/intake/wordlists/``).

Why this exists: a receipt phrase is 7 words drawn at random from a list of at least 7,776 words, so it
carries more than 90 bits. The lists are generated once, reviewed by eye and shipped as plain text, so
Khronika needs neither a frequency list nor a morphology library at run time.

Both lists keep only words a person can type on a phone without thinking: 3 to 9 lowercase letters,
a–z or а–я (``ё`` is written ``е``, as most people type it). A phrase may be written on paper and found
when a phone or a flat is searched, so words that are offensive, sexual, about violence, death, prison,
police or politics, or about sexuality and gender, are left out: the paper must look like nothing.

- English: the EFF large wordlist (CC BY 3.0). Its hyphenated words and the blocked words are replaced
  by words of the EFF short wordlists (same licence) that pass the same checks, so the list keeps
  exactly 7,776 words.
- Russian: the most frequent words of ``wordfreq`` (data CC BY-SA 4.0) that OpenCorpora's dictionary
  (through pymorphy3) knows as a noun in the nominative singular, or an adjective in the masculine
  nominative singular, and that are their own dictionary form; no names, places, abbreviations, slang.

Usage (build-time tools only, never Khronika dependencies)::

    python -m venv /tmp/wordlists && /tmp/wordlists/bin/pip install wordfreq pymorphy3 pymorphy3-dicts-ru
    pip download --no-deps xkcdpass -d /tmp/x && unzip /tmp/x/xkcdpass-*.whl -d /tmp/x
    /tmp/wordlists/bin/python tools/build_intake_wordlists.py --eff-dir /tmp/x/xkcdpass/static
    /tmp/wordlists/bin/python tools/build_intake_wordlists.py --eff-dir ... --check  # exit 1 if stale
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

OUT_DIR = Path(__file__).resolve().parent.parent / "khronika/intake/wordlists"
SIZE_EN = 7776
SIZE_RU = 7776


ENGLISH_WORD = re.compile(r"[a-z]{3,9}")
RUSSIAN_WORD = re.compile(r"[а-я]{3,9}")
# Rare three-letter Russian words are mostly borrowed slang or abbreviations ("аск", "кик"): only the
# common ones ("дом", "сын") are kept.
SHORT_WORD_MIN_ZIPF = 4.0


def _words(text: str) -> list[str]:
    return text.split()


# English words of the EFF list that a source should not find in a phrase written on paper.
# fmt: off
BLOCKED_EN: frozenset[str] = frozenset(_words("""
aggressor army arrest arson arsonist casket coroner custody deport detention drown evidence exile
fascism flirt gallows graves graveyard handcuff hate hatred jailbird jailbreak jailer jailhouse
kissable kisser kissing
lustfully lustily lustiness lusty panic penalize penalty poison police prison punisher racism rebel
riot scarring seduce seducing seizing shame snitch strangle suffocate suspect traitor trapped treason
verdict wound
"""))

# Russian: a word is dropped when it starts with one of these stems (violence, death, prison, police,
# politics, war, drugs, sex, sexuality and gender, slurs, swearing, body parts, illness)...
BLOCKED_RU_PREFIXES: tuple[str, ...] = tuple(_words("""
аборт алкаш арест бандит бляд бля бомб бордел взрыв вибратор виселиц война военн военком
войск выкидыш воров вориш гандон гей гениталь гомо гроб грудь гулаг дебил девствен дерьм допрос дурак
жертв жид жоп заключен зек зона идиот изврат изнасил импотен инвалид казн калек камер кастр
кладбищ кокаин конч кретин лесби любовни мастурб мент мертв милиц минет мудак наркот нацист
негр нигер обыск оргазм оргия орудие оружи педик педоф пенис песд пидор пизд писюн пленн плет
побо погиб погром полиц порн похорон презерв проститут пытк пулемет пуля путин пушк расизм расстрел
ракет ранен рогонос садизм самоуби секс сиськ смерт снайпер солдат ссан спецназ срак стрел суд
суицид сук сучк террор трах труп тупиц тюрем тюрьм убий убийц убит урод фашист фсб хохол
хуе хуй хуя член чурк шлюх штык эрот ядерн яйц
азиат аллах бабник бесплод блокпост бож высыл даун джихад иисус имам инсульт инфекц ислам кабал
коран крэк левит мечет мулл мусульм религ узник фаши халиф христ церк чечен шайтан шариат эпидем эрос
авиауд авиабаз амели амфетам анус арми ассасин атеист биопс иерей командарм комбат коммунар компарт
комсомол костел кощунств кровав криминал крещен порез присяжн проповед психоз
алкогол винтовк водк гендер генсек генштаб генерал голый голая депутат диктат драк избиен интим казарм
киллер кремл кровь мафи наркоман насил обнажен оппозиц партия патрон президент пьян революц танкист
шприц россиян украин поцелу штурм блиндаж лубян маркс сообщник хрен тиран жесток
"""))
# ...or contains one of these anywhere (swear roots that hide inside longer words).
BLOCKED_RU_PARTS: tuple[str, ...] = ("хуй", "хуе", "пизд", "ебан", "ебат", "ебл", "бляд", "порн", "секс")
# Exact words too short or too common as stems to block by prefix.
BLOCKED_RU: frozenset[str] = frozenset(_words("""
блин бой враг вошь газ голубой гомик грех ебарь жопа задница кал моча нож пах рак розовый сосок
топор транс черт бог вор хач хачик героин попка
"""))
# fmt: on

# OpenCorpora grammemes that mark words a source should not have to guess the spelling of.
SKIPPED_GRAMMEMES = frozenset(
    {
        "Name",
        "Surn",
        "Patr",
        "Geox",
        "Orgn",
        "Trad",
        "Abbr",
        "Infr",
        "Slng",
        "Arch",
        "Litr",
        "Erro",
        "Dist",
        "Init",
        "Fixd",
        "Apro",
        "Anum",
        "Subx",
    }
)


def english(eff_dir: Path) -> list[str]:
    """The EFF large list, its unusable words replaced by EFF short-list words, in a stable order."""
    large = _read(eff_dir / "eff-long")
    kept = [w for w in large if ENGLISH_WORD.fullmatch(w) and w not in BLOCKED_EN]
    spares = sorted(
        {w for name in ("eff-short", "eff-special") for w in _read(eff_dir / name)} - set(large) - BLOCKED_EN
    )
    spares = [w for w in spares if ENGLISH_WORD.fullmatch(w)]
    words = sorted(set(kept) | set(spares[: SIZE_EN - len(kept)]))
    if len(words) != SIZE_EN:
        raise SystemExit(f"English: {len(words)} words, expected {SIZE_EN}")
    return words


def russian_blocked(word: str) -> bool:
    return (
        word in BLOCKED_RU
        or word.startswith(BLOCKED_RU_PREFIXES)
        or any(part in word for part in BLOCKED_RU_PARTS)
    )


def russian() -> list[str]:
    """The SIZE_RU most frequent Russian nouns and adjectives in dictionary form, alphabetically."""
    import pymorphy3  # build-time only
    from wordfreq import top_n_list, zipf_frequency

    morph = pymorphy3.MorphAnalyzer()
    chosen: list[str] = []
    seen: set[str] = set()
    for raw in top_n_list("ru", 300_000):
        word = raw.replace("ё", "е")
        if word in seen or not RUSSIAN_WORD.fullmatch(word) or russian_blocked(word):
            continue
        if not morph.word_is_known(raw):
            continue
        parse = morph.parse(raw)[0]  # the most likely reading only: "стали" is a verb, not steels
        tag = parse.tag
        if parse.normal_form.replace("ё", "е") != word or _names_or_slang(morph.parse(raw)):
            continue
        if len(word) == 3 and zipf_frequency(raw, "ru") < SHORT_WORD_MIN_ZIPF:
            continue
        noun = tag.POS == "NOUN" and tag.case == "nomn" and tag.number == "sing"
        adjective = tag.POS == "ADJF" and tag.case == "nomn" and tag.gender == "masc" and "Qual" in tag
        if not (noun or adjective):
            continue
        seen.add(word)
        chosen.append(word)
        if len(chosen) == SIZE_RU:
            return sorted(chosen)
    raise SystemExit(f"Russian: only {len(chosen)} words found, expected {SIZE_RU}")


def _names_or_slang(parses: list[Any]) -> bool:
    """True if any reading is a name, a place, an abbreviation, slang...: "роза" is also a name."""
    return any(SKIPPED_GRAMMEMES & parse.tag.grammemes for parse in parses)


def _read(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eff-dir", type=Path, required=True, help="folder with eff-long, eff-short...")
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped lists are stale")
    args = parser.parse_args()
    stale = False
    for name, words in (("en.txt", english(args.eff_dir)), ("ru.txt", russian())):
        text = "\n".join(words) + "\n"
        path = OUT_DIR / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                print(f"{path} is out of date", file=sys.stderr)
                stale = True
        else:
            path.write_text(text, encoding="utf-8")
            print(f"{path}: {len(words)} words")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
