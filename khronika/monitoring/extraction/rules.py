"""Keyword rules over lemmas: act types and perpetrator types from the controlled vocabularies.

No library tags these categories, so they are written as rules. A rule is a few groups of terms that
must all occur in one sentence within a few words of each other; a term is a lemma (``бить``), a lemma
prefix (``задерж*``) or several of these in a row (``видео с извинение*``). A rule does not fire when a
negation stands just before it ("refused to open a case", «не задерживали»), or when one of its
``unless`` terms is next to it ("detention centre" is not a detention).
"""

from __future__ import annotations

from dataclasses import dataclass

from khronika.monitoring.extraction.text import Token, lemmas

WINDOW = 10
_QUOTES = {"«", "»", '"', "“", "”", "„"}
_NEGATIONS = {
    "не",
    "нет",
    "без",
    "отказаться",
    "отказываться",
    "not",
    "no",
    "never",
    "refused",
    "refuse",
    "didn't",
    "without",
}


@dataclass(frozen=True)
class Rule:
    code: str
    groups: tuple[tuple[tuple[str, ...], ...], ...]  # groups → alternatives → consecutive terms
    unless: tuple[tuple[str, ...], ...] = ()
    confidence: float = 0.75
    window: int = WINDOW
    unless_window: int = 2


@dataclass(frozen=True)
class RuleHit:
    code: str
    start: int
    end: int
    confidence: float


def rule(code: str, pattern: str, unless: str = "", *, window: int = WINDOW, unless_window: int = 2) -> Rule:
    """``"обыск*|обыскать + квартира|дом"``: groups joined by `` + ``, alternatives by ``|``."""

    def alternatives(text: str) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(alt.split()) for alt in text.split("|") if alt.strip())

    groups = tuple(alternatives(group) for group in pattern.split(" + "))
    return Rule(code, groups, alternatives(unless), window=window, unless_window=unless_window)


def _term_matches(term: str, token: Token) -> bool:
    """A term matches any dictionary form of the word: pymorphy3's first guess for «нашли» is «наслать»."""
    if term.endswith("*"):
        stem = term[:-1]
        return token.lower.startswith(stem) or any(w.startswith(stem) for w in lemmas(token.text))
    return token.lower == term or term in lemmas(token.text)


def _find_alternative(alternative: tuple[str, ...], tokens: tuple[Token, ...], i: int) -> int:
    """The number of tokens ``alternative`` covers from ``i``, or 0."""
    if i + len(alternative) > len(tokens):
        return 0
    for offset, term in enumerate(alternative):
        if not _term_matches(term, tokens[i + offset]):
            return 0
    return len(alternative)


def _positions(group: tuple[tuple[str, ...], ...], tokens: tuple[Token, ...]) -> list[tuple[int, int]]:
    found = []
    for i in range(len(tokens)):
        for alternative in group:
            size = _find_alternative(alternative, tokens, i)
            if size:
                found.append((i, i + size))
                break
    return found


def apply_rules(rules: list[Rule], tokens: tuple[Token, ...]) -> list[RuleHit]:
    """Every rule that fires in one sentence's tokens, once per rule."""
    tokens = tuple(t for t in tokens if t.text not in _QUOTES)  # «Центр «Э»» reads as «Центр Э»
    hits: list[RuleHit] = []
    for r in rules:
        first = _positions(r.groups[0], tokens)
        for start, end in first:
            if _negated(tokens, start) or _excluded(r, tokens, start, end):
                continue
            span = _rest_near(r, tokens, start, end)
            if span is not None:
                hits.append(RuleHit(r.code, tokens[span[0]].start, tokens[span[1] - 1].end, r.confidence))
                break
    return hits


def _negated(tokens: tuple[Token, ...], start: int) -> bool:
    return any(t.lemma in _NEGATIONS for t in tokens[max(0, start - 4) : start])


def _excluded(r: Rule, tokens: tuple[Token, ...], start: int, end: int) -> bool:
    if not r.unless:
        return False
    for i in range(max(0, start - r.unless_window), min(len(tokens), end + r.unless_window)):
        if any(_find_alternative(alternative, tokens, i) for alternative in r.unless):
            return True
    return False


def _rest_near(r: Rule, tokens: tuple[Token, ...], start: int, end: int) -> tuple[int, int] | None:
    low, high = start, end
    for group in r.groups[1:]:
        near = [(s, e) for s, e in _positions(group, tokens) if abs(s - start) <= r.window]
        if not near:
            return None
        s, e = min(near, key=lambda p: abs(p[0] - start))
        low, high = min(low, s), max(high, e)
    return low, high


ACT_RULES: dict[str, list[Rule]] = {
    "ru": [
        rule("arbitrary-detention", "задерж*|задерживать", unless="цвсиг"),
        rule("arbitrary-detention", "увезти|доставить|забрать|отвезти + отдел|участок|отделение|овд|ровд"),
        rule(
            "incommunicado-detention",
            "местонахождение неизвестно|не выходить на связь|не мочь связаться|связь с ним нет|без связи",
        ),
        rule("abduction", "похитить|похищение|похищать"),
        rule(
            "pre-trial-detention",
            "сизо|домашний арест|заключение под стража|заключить под стража|арестовать суд",
        ),
        rule("beating", "избить|избивать|избиение|побои|бить"),
        rule("torture", "пытка|пытать|электрошок|током"),
        rule("killing", "убить|убийство|убитый"),
        rule("rape", "изнасиловать|изнасилование"),
        rule("threat-of-violence", "угрожать|угроза + убийство|убить|расправа|расправиться"),
        rule("forced-device-unlocking", "заставить|принудить|потребовать|требовать + разблокировать|пароль"),
        rule(
            "device-search",
            "проверить|просмотреть|осмотреть|изучить|проверять|просматривать|осматривать|читать|"
            "прочитать|листать|обнаружить|найти + телефон|смартфон|переписка|телеграм|галерея|"
            "мессенджер",
        ),
        rule(
            "device-seizure",
            "изъять|отобрать|забрать|конфисковать|изымать + телефон|смартфон|ноутбук|компьютер|техника|"
            "устройство|гаджет",
        ),
        rule("home-search", "обыск*|обыскать"),
        rule("home-search", "ворваться|прийти|прийти домой + квартира|дом|домой + обыск*|обыскать"),
        rule("raid-on-private-home", "рейд|облава|ворваться + квартира|частный дом|дом"),
        rule(
            "raid-on-event",
            "рейд|облава|ворваться|нагрянуть + вечеринка|мероприятие|фестиваль|концерт|праздник|собрание",
            unless="квартира|дом",
            unless_window=8,
        ),
        rule(
            "raid-on-venue",
            "рейд|облава|ворваться|нагрянуть + бар|клуб|кафе|сауна|заведение|гей-клуб|ресторан",
        ),
        rule("outing", "аутинг|аутировать"),
        rule(
            "threat-of-outing",
            "угрожать|угроза|пригрозить|шантажировать + рассказать|сообщить|аутинг|раскрыть|"
            "опубликовать|родственник|работа",
        ),
        rule("staged-date", "фейковый|подставной|поддельный + анкета|профиль|аккаунт|свидание|встреча"),
        rule("staged-date", "приложение для знакомство|сайт знакомство|заманить|подставной свидание"),
        rule("hijacked-account-lure", "взломать|взломанный|захватить + аккаунт|страница|профиль"),
        rule("forced-confession", "выбить|вынудить|заставить + признание|показание"),
        rule(
            "filmed-apology",
            "видео с извинение|видеоизвинение|извиниться на камера|извинение на камера|записать извинение",
        ),
        rule(
            "forced-cooperation",
            "вербовать|завербовать|склонять|склонить + сотрудничество|осведомитель|информатор",
        ),
        rule("extortion", "вымогать|вымогательство|вымогатель"),
        rule("extortion", "требовать|потребовать + деньги|рубль|выкуп"),
        rule("extortion", "заставить|велеть|потребовать + заплатить|перевести + деньги|рубль"),
        rule("administrative-fine", "штраф|оштрафовать|штрафовать"),
        rule("administrative-arrest", "арест|арестовать + сутки|административный"),
        rule("criminal-charge", "возбудить|возбуждать|завести|возбуждение + уголовный|дело"),
        rule(
            "criminal-charge",
            "предъявить|обвинение|обвинять|обвиняемый|фигурант + уголовный|дело|обвинение|статья",
        ),
        rule(
            "conviction",
            "приговор|приговорить|осудить|осуждённый|осужденный",
            unless="административный|сутки",
            unless_window=8,
        ),
        rule("denial-of-lawyer", "адвокат|защитник + не пустить|не допустить|недопуск"),
        rule("administrative-expulsion", "выдворение|выдворить|выдворять"),
        rule("deportation", "депортировать|депортация|депортировать"),
        rule("extradition", "экстрадиция|экстрадировать|выдача"),
        rule("pre-deportation-detention", "цвсиг|центр временный содержание"),
        rule("entry-ban", "запрет въезд|запретить въезд"),
        rule("passport-confiscation", "изъять|отобрать|забрать + паспорт"),
        rule(
            "confinement-by-family",
            "запереть|взаперти|под замок|не выпускать + дом|комната|родственник|отец|брат|семья|взаперти",
        ),
        rule("confinement-by-family", "держать под замок|взаперти|запереть дома"),
        rule("honour-based-violence", "честь семья|позор семья|смыть позор"),
        rule("forced-marriage", "выдать замуж|принудительный брак|насильно женить|насильно выдать|женить"),
        rule("handover-to-family", "передать|отдать + родственник|семья|родные"),
        rule("conversion-practices", "конверсионный|лечить от|вылечить"),
        rule("dismissal", "уволить|увольнение"),
        rule("eviction", "выселить|выселение"),
        rule("doxxing", "слить|опубликовать + данные|адрес"),
        rule("intimate-image-abuse", "интимный + фото|фотография|видео|снимок"),
    ],
    "en": [
        rule("arbitrary-detention", "detain*|detention", unless="centre|center|pre-trial|pretrial|facility"),
        rule("arbitrary-detention", "held|taken|brought|kept + police station|station|precinct|police"),
        rule("arbitrary-detention", "held|kept + for + days|hours|day|night|weeks", window=4),
        rule("arbitrary-detention", "stopped by police|stopped by officers|taken to a police station"),
        rule("arbitrary-detention", "arrested", unless="house|administrative|administratively"),
        rule(
            "incommunicado-detention",
            "incommunicado|whereabouts unknown|whereabouts remain|not been able to reach|cannot reach|"
            "can't reach|lost contact|no contact",
        ),
        rule("enforced-disappearance", "disappeared|enforced disappearance"),
        rule("abduction", "abduct*|kidnap*"),
        rule("pre-trial-detention", "pre-trial detention|pretrial detention|house arrest|remand*|sizo"),
        rule("beating", "beat|beaten|beating|beatings|punched|kicked"),
        rule("torture", "tortur*|electric shock*"),
        rule("killing", "killed|murder*"),
        rule("rape", "rape*|raping"),
        rule("threat-of-violence", "threat* + kill|death|violence"),
        rule(
            "forced-device-unlocking",
            "forced|made|demanded|force|forcing|ordered + unlock*|password*|passcode",
        ),
        rule(
            "device-search",
            "search*|check*|went through|looked through|go through|found|find*|examined|inspected|"
            "read + phone*|smartphone*|messages|correspondence|chats",
            window=5,
        ),
        rule(
            "device-seizure",
            "seiz*|confiscat*|took|taken|take + phone*|laptop*|computer*|devices|smartphone*",
        ),
        rule("home-search", "search* + flat|home|house|apartment|flats|homes|premises"),
        rule("home-search", "home search*"),
        rule("raid-on-private-home", "raid* + flat|apartment|home|house|private home"),
        rule(
            "raid-on-event",
            "raid* + party|event|festival|concert|gathering",
            unless="house|flat|apartment|home",
            unless_window=8,
        ),
        rule("raid-on-venue", "raid* + club|bar|cafe|sauna|venue|nightclub|restaurant"),
        rule("outing", "outed|outing", unless="threat*"),
        rule("threat-of-outing", "threat* + out|tell|expose|reveal|publish"),
        rule("staged-date", "fake + profile|account|date"),
        rule("staged-date", "lured|lure|dating app|dating site|staged date|set-up date|setup date"),
        rule("hijacked-account-lure", "hacked|hijacked + account|profile"),
        rule("forced-confession", "forced|coerced + confess*|testimony"),
        rule(
            "filmed-apology",
            "apology video|apologise on camera|apologize on camera|video apology|record an apology|"
            "filmed apology",
        ),
        rule("forced-cooperation", "informant|recruit* + informant|cooperate"),
        rule("extortion", "extort*|blackmail*"),
        rule("extortion", "demanded|demand|demanding + money|roubles|rubles|payment|ransom"),
        rule("extortion", "told|forced|ordered|made + pay + money|roubles|rubles"),
        rule("administrative-fine", "fined|fine|fines"),
        rule(
            "administrative-arrest", "administrative arrest|administratively arrested|jailed for|days in jail"
        ),
        rule("criminal-charge", "criminal case|criminal charge*|indicted"),
        rule(
            "criminal-charge",
            "charged|charges",
            unless="administrative|cao|koap|protocol|6.21|6.21.2|20.1|20.2|19.3|18.8",
            unless_window=10,
        ),
        rule(
            "conviction",
            "sentenced|convicted|conviction|verdict",
            unless="administrative|arrest",
            unless_window=8,
        ),
        rule("denial-of-lawyer", "lawyer + denied|not allowed|barred"),
        rule("administrative-expulsion", "expel*|expulsion"),
        rule("deportation", "deport*"),
        rule("extradition", "extradit*"),
        rule(
            "pre-deportation-detention",
            "temporary detention centre for foreign|temporary detention center for foreign|tsvsig|"
            "migrant detention|detention centre for foreign|detention center for foreign|"
            "deportation centre|deportation center",
        ),
        rule("entry-ban", "entry ban|banned from entering"),
        rule("passport-confiscation", "seiz*|confiscat*|took + passport"),
        rule("confinement-by-family", "locked|lock|confined|imprisoned|kept + room|home|house|inside|up"),
        rule("honour-based-violence", "honour|honor + killing|family|shame"),
        rule("forced-marriage", "forced marriage|forced to marry|marry her off|marry him off"),
        rule("handover-to-family", "handed over|handed|returned + relatives|family|parents"),
        rule("conversion-practices", "conversion therapy|conversion practices|cure"),
        rule("dismissal", "fired|dismissed|sacked"),
        rule("eviction", "evicted|eviction"),
        rule("doxxing", "dox*|published + address|personal data"),
        rule("intimate-image-abuse", "intimate + photos|images|video"),
    ],
}

PERPETRATOR_RULES: dict[str, list[Rule]] = {
    "ru": [
        rule("district-police", "участковый"),
        rule("centre-e", "центр э|цпэ|эшник|центр по противодействие экстремизм"),
        rule("criminal-investigation", "угрозыск|уголовный розыск"),
        rule("patrol-police", "ппс|патрульный"),
        rule("transport-police", "транспортный полиция|лувд|лоп"),
        rule("police-other", "полиция|полицейский|мвд|овд|силовик|отдел полиция"),
        rule("migration-authorities", "миграционный|увм|фмс"),
        rule("rosgvardia", "росгвардия|омон|собр"),
        rule("fsb", "фсб"),
        rule("investigative-committee", "следственный комитет|ск|следователь"),
        rule("prosecutor", "прокуратура|прокурор"),
        rule("court", "суд|судья"),
        rule("chechen-security-forces", "кадыровец|кадыровский"),
        rule("family", "родственник|отец|мать|брат|сестра|дядя|семья|родные|родитель"),
        rule("intimate-partner", "партнёр|партнер|бывший парень|бывшая девушка"),
        rule("vigilante-group", "пила|мужское государство|активист антилгбт|группа молодой человек"),
        rule("unidentified-claiming-officials", "представиться сотрудник|неизвестный представиться"),
        rule("employer", "работодатель|начальник"),
    ],
    "en": [
        rule("district-police", "district officer|district police"),
        rule("centre-e", "centre e|center e|anti-extremism"),
        rule("criminal-investigation", "criminal investigation"),
        rule("patrol-police", "patrol police|patrol officers"),
        rule("police-other", "police|officers|policemen|interior ministry"),
        rule("migration-authorities", "migration"),
        rule("rosgvardia", "rosgvardia|national guard|omon"),
        rule("fsb", "fsb|federal security service"),
        rule("investigative-committee", "investigative committee|investigator*"),
        rule("prosecutor", "prosecutor*"),
        rule("court", "court|judge"),
        rule("chechen-security-forces", "kadyrov*|chechen security"),
        rule("family", "relatives|family|father|mother|brother*|sister*|uncle|parents|cousin*"),
        rule("intimate-partner", "partner|ex-boyfriend|ex-girlfriend"),
        rule("vigilante-group", "vigilante*|group of people|group of men|gang"),
        rule("unidentified-claiming-officials", "claiming to be|posing as|introduced themselves as"),
        rule("employer", "employer|boss"),
    ],
}
