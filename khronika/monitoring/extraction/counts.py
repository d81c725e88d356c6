"""Numbers about people: how many victims, and how many days someone was held.

«двух молодых людей», «семерых человек», «всех троих», "four men", "15 guests", "a lesbian couple"
give the victim count; «продержали двое суток», «арестовали на 10 суток», "held for three days",
"spent 30 days" the days in detention (whole days only: "12 hours" gives none, "48 часов" gives two).
"""

from __future__ import annotations

from dataclasses import dataclass

from khronika.monitoring.extraction.text import Token, morph

_NUMBER_WORDS = {
    "один": 1, "два": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8,
    "девять": 9, "десять": 10, "одиннадцать": 11, "двенадцать": 12, "пятнадцать": 15, "двадцать": 20,
    "тридцать": 30, "сорок": 40, "двое": 2, "трое": 3, "четверо": 4, "пятеро": 5, "шестеро": 6,
    "семеро": 7, "оба": 2, "обе": 2, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "both": 2,
}  # fmt: skip
_COLLECTIVE = {"двое", "трое", "четверо", "пятеро", "шестеро", "семеро", "оба", "обе", "both"}
_PEOPLE = {
    "человек", "мужчина", "парень", "гей", "девушка", "женщина", "житель", "жительница", "гражданин",
    "гражданка", "участник", "участница", "посетитель", "гость", "студент", "студентка", "юноша",
    "подросток", "активист", "активистка", "транс-женщина", "транс-мужчина", "трансгендер",
    "лесбиянка", "бисексуал", "пострадавший", "потерпевший", "фигурант", "задержанный", "уроженец",
    "уроженка", "men", "man", "women", "woman", "people", "persons", "person", "guests", "guest",
    "residents", "resident", "citizens", "citizen", "students", "student", "activists", "activist",
    "teenagers", "teenager", "lesbians", "lesbian", "visitors", "visitor", "participants",
    "members", "member", "detainees", "victims", "victim", "youths", "boys", "girls", "girl", "boy",
    "friends", "couple", "пара", "гей-пара", "transgender", "trans", "gays",
}  # fmt: skip
_PAIRS = {"couple", "пара", "гей-пара"}
_STOP = {",", ".", ";", ":", "(", ")", "—", "–"}
_SINGULAR_EN = {"a", "an", "one"}
_FIRST_PERSON = {"я", "меня", "мне", "мной", "i", "me", "my"}
_DETENTION_CUES = (
    "задерж", "продерж", "держ", "арест", "содерж", "просид", "провел", "провест", "отсид",
    "held", "hold", "detain", "spent", "jail", "custody", "kept", "arrest",
)  # fmt: skip
_UNITS = {
    "сутки": 1,
    "день": 1,
    "неделя": 7,
    "час": 0,
    "day": 1,
    "days": 1,
    "week": 7,
    "weeks": 7,
    "hour": 0,
    "hours": 0,
}
_AGO = {"назад", "ago", "спустя", "later"}
_NOT_PEOPLE = {
    "тысяча", "рубль", "год", "лет", "year", "years", "января", "thousand", "roubles", "rubles",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "январь", "февраль", "март", "апрель", "май", "июнь", "июль",
    "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
}  # fmt: skip


@dataclass(frozen=True)
class CountMention:
    value: int
    start: int
    end: int
    confidence: float


def _number(token: Token) -> int | None:
    if token.text.isdigit():
        return int(token.text)
    return _NUMBER_WORDS.get(token.lemma) or _NUMBER_WORDS.get(token.lower)


def _is_age(tokens: tuple[Token, ...], i: int) -> bool:
    """«19-летнюю», "34-year-old": a number glued to an age is not a head count."""
    return i + 1 < len(tokens) and tokens[i + 1].text in {"-", "–"}


def victim_count(sentences: list[tuple[Token, ...]]) -> CountMention | None:
    """The first head count of people in the block, else a single person, else the narrator."""
    single: CountMention | None = None
    narrator: CountMention | None = None
    for tokens in sentences:
        for i, token in enumerate(tokens):
            value = _number(token)
            if value and not _is_age(tokens, i):
                for j in range(i + 1, min(len(tokens), i + 4)):
                    if tokens[j].text in _STOP or tokens[j].lemma in _UNITS or tokens[j].lemma in _NOT_PEOPLE:
                        break
                    if _person_word(tokens[j]):
                        return CountMention(value, token.start, tokens[j].end, 0.85)
                if token.lemma in _COLLECTIVE and (i + 1 >= len(tokens) or tokens[i + 1].lemma not in _UNITS):
                    return CountMention(value, token.start, token.end, 0.75)
            adjective = i + 1 < len(tokens) and _person_word(tokens[i + 1])  # "lesbian couple", "gay men"
            if single is None and _person_word(token) and not adjective:
                if token.lower.removesuffix("'s") in _PAIRS or token.lemma in _PAIRS:
                    single = CountMention(2, token.start, token.end, 0.6)
                elif _is_singular(tokens, i):
                    single = CountMention(1, token.start, token.end, 0.6)
            if narrator is None and token.lower in _FIRST_PERSON:
                narrator = CountMention(1, token.start, token.end, 0.45)
    return single or narrator


def _person_word(token: Token) -> bool:
    word = token.lower.removesuffix("'s").removesuffix("’s")
    return token.lemma in _PEOPLE or word in _PEOPLE


def _is_singular(tokens: tuple[Token, ...], i: int) -> bool:
    token = tokens[i]
    if token.lower.isascii():
        return any(t.lower in _SINGULAR_EN for t in tokens[max(0, i - 4) : i]) and not token.lower.endswith(
            "s"
        )
    return "sing" in morph().parse(token.lower)[0].tag


def detention_days(sentences: list[tuple[Token, ...]]) -> CountMention | None:
    """Days held, from a number and a unit in a sentence that speaks of holding someone."""
    for tokens in sentences:
        if not any(
            t.lemma.startswith(_DETENTION_CUES) or t.lower.startswith(_DETENTION_CUES) for t in tokens
        ):
            continue
        for i, token in enumerate(tokens):
            unit = _UNITS.get(token.lemma, _UNITS.get(token.lower))
            if unit is None:
                continue
            if i + 1 < len(tokens) and tokens[i + 1].lower in _AGO:
                continue
            number = _number(tokens[i - 1]) if i > 0 else None
            if number is None and token.lemma == "сутки":
                number = 1  # «продержали сутки»: one day and night
            if number is None:
                continue
            if unit == 0:
                if number < 24 or number % 24:
                    continue
                number, unit = number // 24, 1
            return CountMention(number * unit, tokens[i - 1].start, token.end, 0.8)
    return None
