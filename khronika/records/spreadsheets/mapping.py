"""Which spreadsheet column holds which Khronika field, guessed from the headers in Russian or English.

A mapping is a plain ``{column header: field key}`` dictionary, so that it can be saved as JSON for
``khronika import-spreadsheet --mapping FILE.json`` and shown as one drop-down per column on the web.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class MappingError(ValueError):
    """The mapping itself is unusable (bad JSON, unknown field, a required field without a column)."""


@dataclass(frozen=True)
class Field:
    key: str
    label: str | Promise
    # Header words that identify the field, compared after ``normalise_header``.
    headers: tuple[str, ...]
    required: bool = False


FIELDS: tuple[Field, ...] = (
    Field(
        "title",
        gettext_lazy("Title"),
        ("title", "short title", "название", "заголовок", "краткое описание"),
        True,
    ),
    Field(
        "narrative",
        gettext_lazy("What happened"),
        ("narrative", "what happened", "description", "описание", "что произошло", "фабула"),
    ),
    Field(
        "date",
        gettext_lazy("Date (or date range)"),
        ("date", "date start", "start date", "from", "when", "дата", "дата начала", "когда"),
    ),
    Field(
        "date_end",
        gettext_lazy("End date"),
        ("date end", "end date", "until", "to", "дата окончания", "по", "до"),
    ),
    Field(
        "date_precision",
        gettext_lazy("Date precision"),
        ("precision", "date precision", "точность", "точность даты"),
    ),
    Field(
        "region",
        gettext_lazy("Region"),
        ("region", "federal subject", "subject", "регион", "субъект", "субъект рф", "область"),
    ),
    Field(
        "place",
        gettext_lazy("Place (town or region)"),
        ("place", "city", "town", "location", "where", "место", "город", "населенный пункт", "где"),
    ),
    Field("status", gettext_lazy("Status"), ("status", "статус")),
    Field("confidentiality", gettext_lazy("Confidentiality"), ("confidentiality", "конфиденциальность")),
    Field(
        "act_type",
        gettext_lazy("Act type"),
        ("act", "act type", "violation", "type of violation", "нарушение", "тип нарушения", "вид нарушения"),
        True,
    ),
    Field(
        "victim_pseudonym",
        gettext_lazy("Victim: existing pseudonym"),
        ("pseudonym", "victim pseudonym", "псевдоним", "псевдоним пострадавшего"),
    ),
    Field(
        "victim_given_name",
        gettext_lazy("Victim: given name"),
        ("given name", "first name", "victim name", "имя", "имя пострадавшего"),
    ),
    Field(
        "victim_family_name",
        gettext_lazy("Victim: family name"),
        ("family name", "surname", "last name", "фамилия"),
    ),
    Field("victim_gender", gettext_lazy("Victim: gender"), ("gender", "sex", "пол", "гендер")),
    Field(
        "victim_age_band", gettext_lazy("Victim: age"), ("age", "age band", "возраст", "возрастная группа")
    ),
    Field(
        "perpetrator_type",
        gettext_lazy("Perpetrator type"),
        ("perpetrator", "perpetrator type", "нарушитель", "тип нарушителя", "кто"),
    ),
    Field(
        "perpetrator_unit",
        gettext_lazy("Perpetrator unit"),
        ("unit", "perpetrator unit", "department", "подразделение", "отдел", "орган"),
    ),
    Field(
        "legal_article",
        gettext_lazy("Article invoked"),
        ("article", "legal article", "law", "статья", "статья закона"),
    ),
    Field(
        "legal_article_part",
        gettext_lazy("Part of the article"),
        ("part", "article part", "часть", "часть статьи"),
    ),
    Field(
        "discovery_method",
        gettext_lazy("How the victim was found"),
        ("discovery", "how found", "discovery method", "как нашли"),
    ),
    Field(
        "days_detained",
        gettext_lazy("Days in detention"),
        ("days detained", "days in detention", "дней под стражей", "дней задержания"),
    ),
    Field("fine_rub", gettext_lazy("Fine (roubles)"), ("fine", "fine rub", "штраф", "сумма штрафа")),
    Field("act_description", gettext_lazy("Details of the act"), ("details", "act details", "подробности")),
    Field(
        "source_reference",
        gettext_lazy("Source: existing reference"),
        ("source reference", "ссылка на источник", "код источника"),
    ),
    Field(
        "source_type",
        gettext_lazy("Source type"),
        ("source type", "type of source", "тип источника", "вид источника"),
    ),
    Field(
        "source_name",
        gettext_lazy("Source name"),
        ("source", "source name", "источник", "название источника"),
    ),
    Field(
        "reliability",
        gettext_lazy("Source reliability (A-F)"),
        ("reliability", "надежность", "надежность источника"),
    ),
    Field("credibility", gettext_lazy("Credibility (1-6)"), ("credibility", "достоверность")),
    Field(
        "original_text",
        gettext_lazy("What the source said"),
        ("source text", "original text", "quote", "текст источника", "цитата"),
    ),
)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}

Mapping = dict[str, str]


def normalise_header(text: str) -> str:
    """Lower case, ё as е, punctuation and repeated spaces gone: ``"Дата  начала:"`` → ``"дата начала"``."""
    text = text.casefold().replace("ё", "е").replace("_", " ")
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


_BY_HEADER = {normalise_header(alias): f.key for f in FIELDS for alias in (f.key, *f.headers)}


def guess_mapping(headers: list[str]) -> Mapping:
    """The field each header most likely means; a field is given to the first column that claims it."""
    mapping: Mapping = {}
    taken: set[str] = set()
    for header in headers:
        key = _BY_HEADER.get(normalise_header(header), "")
        if key and key not in taken and header not in mapping:
            mapping[header] = key
            taken.add(key)
    return mapping


def check_mapping(mapping: Mapping, headers: list[str]) -> list[str]:
    """Problems with ``mapping`` for a file with ``headers``, in plain words; empty when usable."""
    problems: list[str] = []
    used: dict[str, str] = {}
    for header, key in mapping.items():
        if not key:
            continue
        if key not in FIELDS_BY_KEY:
            problems.append(_("“%(key)s” is not a field Khronika knows.") % {"key": key})
        elif header not in headers:
            problems.append(_("The file has no column “%(header)s”.") % {"header": header})
        elif key in used:
            problems.append(
                _("The columns “%(a)s” and “%(b)s” are both given as “%(field)s”; choose one.")
                % {"a": used[key], "b": header, "field": FIELDS_BY_KEY[key].label}
            )
        else:
            used[key] = header
    for field in FIELDS:
        if field.required and field.key not in used:
            problems.append(
                _(
                    "No column holds “%(field)s”, which every row needs. "
                    "Add that column to the file, or choose it below."
                )
                % {"field": field.label}
            )
    return problems


def load_mapping(path: Path) -> Mapping:
    """A mapping saved as JSON: ``{"Column header": "field_key", ...}`` (``""`` ignores a column)."""
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MappingError(_("The mapping file could not be read: %(error)s") % {"error": error}) from None
    if not isinstance(loaded, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in loaded.items()
    ):
        raise MappingError(
            _('The mapping file must be a JSON object such as {"Дата": "date", "Регион": "region"}.')
        )
    return loaded
