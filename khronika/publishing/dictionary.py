"""The data dictionary that travels with every partner dataset, in English and Russian.

A partner who misreads a column publishes a wrong figure; a partner who cannot read the file at all asks
for "the raw data". Each column, its generalization and its codes are written out in both languages.
"""

from __future__ import annotations

from khronika.publishing.models import Release
from khronika.publishing.tiles import district_name, grid
from khronika.records.models import Term

COLUMNS: dict[str, tuple[str, str]] = {
    "period": (
        "Period of the incident (YYYY-Qn quarter, YYYY-Hn half-year, or YYYY).",
        "Период инцидента (ГГГГ-Qn — квартал, ГГГГ-Hn — полугодие, или ГГГГ).",
    ),
    "place": ("Where it happened, generalized (see codes below).", "Место, в обобщённом виде (коды ниже)."),
    "act_type": (
        "What was done (code of the act-type vocabulary, below).",
        "Что было сделано (код из словаря видов нарушений, ниже).",
    ),
    "age": (
        "Age of the victim: under-18, 18-34, 35-plus or unknown.",
        "Возраст пострадавшего: under-18 (до 18), 18-34, 35-plus (35 и старше) или unknown (неизвестно).",
    ),
    "gender": (
        "Gender of the victim (code of the gender vocabulary) or unknown.",
        "Гендер пострадавшего (код словаря) или unknown (неизвестно).",
    ),
    "citizenship": (
        "Citizenship: RU (Russian), other, or unknown.",
        "Гражданство: RU (российское), other (другое) или unknown (неизвестно).",
    ),
    "perpetrator_type": (
        "Type of perpetrator (code of the perpetrator-type vocabulary); never the unit.",
        "Тип исполнителя (код словаря); конкретное подразделение не указывается.",
    ),
    "detention": (
        "Days in detention: none, 1-2, 3-15, 16-plus.",
        "Дней под стражей: none (нет), 1-2, 3-15, 16-plus (16 и больше).",
    ),
    "outcome": (
        "Outcome: deported, injured, or none recorded.",
        "Последствия: deported (депортация), injured (травмы) или none (не отмечены).",
    ),
}


def _vocabulary(code: str) -> list[str]:
    terms = Term.objects.filter(vocabulary__code=code).order_by("sort_order", "code")
    if code == "act_type":  # datasets carry the top-level kinds only (eligibility.act_type_roots)
        terms = terms.filter(parent__isnull=True)
    return [f"  {t.code}: {t.label_en} / {t.label_ru}" for t in terms]


def dictionary_text(release: Release) -> str:
    columns: list[str] = list(release.options.get("columns", []))
    summary = release.summary
    lines = [
        "Khronika partner dataset / Набор данных Хроники для партнёра",
        f"Release / Выпуск: {release.id}",
        f"Period / Период: {release.period_start.isoformat()} – {release.period_end.isoformat()}",
        "",
        "One row per documented act, with the victim's consent to publication, at least three months old.",
        "Одна строка — одно задокументированное нарушение; пострадавший согласился на публикацию; "
        "прошло не менее трёх месяцев.",
        f"k-anonymity / k-анонимность: k = {summary.get('k')}; l-diversity of act_type / l-разнообразие "
        f"по act_type: l = {summary.get('l')}; rows suppressed / строк скрыто: {summary.get('suppressed')}.",
        "Do not try to identify anyone, do not link this file with other data about persons, "
        "do not pass it on.",
        "Не пытайтесь установить личности, не связывайте файл с другими данными о людях, "
        "не передавайте его дальше.",
        "",
        "Columns / Столбцы:",
    ]
    for column in columns:
        english, russian = COLUMNS[column]
        lines += [f"{column}", f"  EN: {english}", f"  RU: {russian}"]
    place = release.options.get("place")
    if place == "district":
        lines.append("place codes / коды мест:")
        lines += [f"  {k}: {district_name(k, 'en')} / {district_name(k, 'ru')}" for k in grid()["districts"]]
        lines.append("  other: abroad or unknown / за рубежом или неизвестно")
    elif place == "subject":
        lines.append("place: ISO 3166-2 code of the federal subject / код субъекта по ISO 3166-2")
    else:
        lines.append("place: RU (Russia) or other / RU (Россия) или other (другое)")
    for column, vocabulary in (
        ("act_type", "act_type"),
        ("gender", "gender"),
        ("perpetrator_type", "perpetrator_type"),
    ):
        if column in columns:
            lines.append(f"{column} codes / коды:")
            lines += _vocabulary(vocabulary)
    return "\n".join(lines) + "\n"
