"""Finding incidents: the filters of the incident list, inside the user's compartments."""

from __future__ import annotations

import functools
import json
import operator
import uuid
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from khronika.accounts.access import compartment_ids, visible
from khronika.accounts.roles import Capability, has_capability
from khronika.records.blind_indexes import find_persons_by_identifier
from khronika.records.models import Act, Incident, Information, Place, Source, Term
from khronika.records.search_index import INDEX, Matches, WordQuery
from khronika.records.vocab import with_descendants

# Up to how many matching acts or sources a filter starts from them rather than from the incident list.
FEW_RELATED = 15000


def find_incidents(user: Any, filters: dict[str, Any]) -> QuerySet[Incident]:
    """Incidents ``user`` may see that match the cleaned ``IncidentFilterForm`` data."""
    return _find(user, filters)[0]


def _find(user: Any, filters: dict[str, Any]) -> tuple[QuerySet[Incident], bool]:
    """``find_incidents``, and whether a filter bounds it to at most about ``FEW_RELATED`` incidents."""
    incidents = visible(Incident.objects.all(), user)
    bounded = False
    for matches, estimate in _related_matches(filters):
        if estimate[: FEW_RELATED + 1].count() <= FEW_RELATED:
            # Few acts or sources match: the database starts from their incidents (one subquery).
            incidents = incidents.filter(pk__in=matches.values("incident_id"))
            bounded = True
        else:
            # Many match: walking the list index and checking each incident stops early.
            incidents = incidents.filter(Exists(matches.filter(incident=OuterRef("pk"))))
    if filters.get("region"):
        incidents = incidents.filter(region__code=filters["region"])
    if filters.get("date_from"):
        incidents = incidents.filter(date_end__gte=filters["date_from"][0])
    if filters.get("date_to"):
        incidents = incidents.filter(date_start__lte=filters["date_to"][1])
    if filters.get("status"):
        incidents = incidents.filter(status=filters["status"])
    if filters.get("q"):
        incidents = incidents.filter(_text_query(user, filters["q"]))
    return incidents, bounded


def _related_matches(filters: dict[str, Any]) -> list[tuple[QuerySet[Any], QuerySet[Any]]]:
    """For the act, perpetrator and source filters (narrower terms included): the acts or information
    that match, each with an ``incident``, and a cheap query of about as many rows to count.

    Unordered: their default order would make counting them sort them all.
    """
    related: list[tuple[QuerySet[Any], QuerySet[Any]]] = []
    if filters.get("act_type"):
        acts = Act.objects.filter(act_type_id__in=with_descendants("act_type", filters["act_type"]))
        related.append((acts.order_by(), acts.order_by()))
    if filters.get("perpetrator_type"):
        ids = with_descendants("perpetrator_type", filters["perpetrator_type"])
        acts = Act.objects.filter(perpetrator_type_id__in=ids)
        related.append((acts.order_by(), acts.order_by()))
    if filters.get("source_type"):
        ids = with_descendants("source_type", filters["source_type"])
        information = Information.objects.filter(source__source_type_id__in=ids).order_by()
        related.append((information, Source.objects.filter(source_type_id__in=ids).order_by()))
    return related


# How many matches past the requested page a filtered list or a search counts before it says "more than".
COUNT_BEYOND = 1000


class IncidentPaginator(Paginator):  # type: ignore[type-arg]  # pages of ids of any type
    """Pages of incident ids that may know only a lower bound of their total (``capped``)."""

    def __init__(self, ids: Any, per_page: int, capped: bool = False) -> None:
        super().__init__(ids, per_page)
        self.capped = capped

    @property
    def more_than(self) -> int:
        """With ``capped``: the list holds more than this many incidents."""
        return int(self.count)


def incident_page(user: Any, filters: dict[str, Any], number: Any) -> Page[Any]:
    """Page ``number`` of ``find_incidents``, as the ids of its incidents in list order.

    Only ids are paged, so that counting and skipping to a far page read the list index
    (``incident_list_order``) rather than the rows, which the encrypted narrative makes wide. The plain
    list is counted exactly from that index. A filtered list or a search takes one ordered pass that
    stops ``COUNT_BEYOND`` matches past the page: when it stops there, the page says "more than"
    instead of counting every match. A text search alone is answered so by the vault's search index
    (``search_in_memory``). ``incidents_in_order`` fetches the rows.
    """
    if filters.get("q") and not any(value for name, value in filters.items() if name != "q"):
        # Like the database's pass below: it stops ``COUNT_BEYOND`` matches past the page.
        wanted = _page_number(number) * settings.PAGE_SIZE + COUNT_BEYOND
        matches = search_in_memory(user, filters["q"], wanted)
        if matches is not None:
            return IncidentPaginator(matches, settings.PAGE_SIZE, capped=matches.capped).get_page(number)
    incidents, bounded = _find(user, filters)
    if not any(filters.values()):
        return IncidentPaginator(incidents.values_list("pk", flat=True), settings.PAGE_SIZE).get_page(number)
    wanted = _page_number(number) * settings.PAGE_SIZE + COUNT_BEYOND
    if bounded:
        # A filter that starts from few acts or sources: every match is fetched, counted and sorted.
        rows = incidents.order_by().values_list("pk", "date_start", "reference")
        return IncidentPaginator(_ids_in_list_order(rows), settings.PAGE_SIZE).get_page(number)
    # One ordered pass over the list index that stops ``COUNT_BEYOND`` matches past the page.
    ids = list(incidents.values_list("pk", flat=True)[: wanted + 1])
    return IncidentPaginator(ids[:wanted], settings.PAGE_SIZE, capped=len(ids) > wanted).get_page(number)


def _page_number(number: Any) -> int:
    try:
        return max(1, int(number))
    except (TypeError, ValueError):
        return 1


def incidents_in_order(queryset: QuerySet[Incident], ids: Any) -> list[Incident]:
    """The incidents of ``ids`` from ``queryset``, in the order of ``ids``."""
    wanted = list(ids)
    by_id = {incident.pk: incident for incident in queryset.filter(pk__in=wanted)}
    return [by_id[pk] for pk in wanted if pk in by_id]


def _ids_in_list_order(rows: Any) -> list[Any]:
    """Ids sorted as ``Incident.Meta.ordering`` (newest first, then reference) sorts them in the database.

    Undated incidents sort as the database puts NULL in a descending order: last on SQLite, first on
    PostgreSQL, so that a search lists them where the plain list does.
    """
    rows = list(rows)
    dated = sorted((r for r in rows if r[1] is not None), key=lambda r: r[2])
    dated.sort(key=lambda r: r[1], reverse=True)  # stable: equal dates stay in reference order
    undated = sorted((r for r in rows if r[1] is None), key=lambda r: r[2])
    ordered = undated + dated if connection.vendor == "postgresql" else dated + undated
    return [r[0] for r in ordered]


def _text_query(user: Any, text: str) -> Q:
    """Codes for everybody; for those who may read them, also every word in the text or coded fields.

    A code (an incident's reference, a victim's pseudonym) finds its incidents exactly. Otherwise every
    word must appear in the incident's text (``_sensitive_text_matches``), or name one of its act types
    or its place or region, in Russian or English (``_coded_matches``).
    """
    text = text.strip()
    by_code = _code_matches(user, text)
    if not has_capability(user, Capability.VIEW_SENSITIVE):
        return by_code
    every_word = Q()
    for word in text.split():
        every_word &= _sensitive_text_matches(word) | _coded_matches(word)
    return by_code | every_word


def _code_matches(user: Any, text: str) -> Q:
    """Incidents ``text`` names by a code: their reference, a victim's pseudonym, or (for those who may
    reveal identities) a victim's exact name, phone number or handle."""
    return functools.reduce(operator.or_, _code_conditions(user, text))


def _code_conditions(user: Any, text: str) -> list[Q]:
    """``_code_matches``, one condition per kind of code, each answered by an index of its own."""
    # Codes are written in capitals; looking up both spellings (not iexact) lets the unique indexes answer.
    codes = {text, text.upper()}
    conditions = [
        Q(reference__in=codes),
        Q(pk__in=Act.objects.filter(victim__pseudonym__in=codes).values("incident_id")),
    ]
    if has_capability(user, Capability.REVEAL_IDENTITY):
        # A victim's exact name, phone number or handle, through blind indexes (never clear text).
        persons = find_persons_by_identifier(user, text)
        conditions.append(Q(pk__in=Act.objects.filter(victim__in=persons).values("incident_id")))
    return conditions


def search_in_memory(user: Any, text: str, limit: int) -> Matches | None:
    """``_text_query`` answered by the search index, which filters by the user's compartments, counts,
    orders and pages there (the first ``limit`` matches), so that only one page of ids reaches the
    database. The same matches as
    ``_text_query``: codes from the database (a few rows), every word from the index's text or its
    places and act types. None when the database must answer (no right to read the text, or a code
    names an incident the index does not hold yet).
    """
    text = text.strip()
    if not has_capability(user, Capability.VIEW_SENSITIVE):
        return None  # codes only: the database answers that from its unique indexes
    # One query per kind of code rather than their OR: PostgreSQL answers "reference = x OR id IN
    # (subquery)" by reading every incident, which cost more than the whole in-memory search.
    codes = {
        pk
        for condition in _code_conditions(user, text)
        for pk in visible(Incident.objects.filter(condition), user).values_list("pk", flat=True)
    }
    words = [WordQuery(word, *_coded_ids(word)) for word in text.split()]
    # Need-to-know: the index keeps to the same compartments as ``visible()`` (threat model 3).
    return INDEX.search(words, codes, compartment_ids(user), limit)


def _sensitive_text_matches(word: str) -> Q:
    """Incidents whose title, narrative or act details hold ``word``, from the vault's in-memory index.

    Never a text index in the database: it would store the words of encrypted fields in clear (threat
    model 1). See khronika/records/search_index.py.
    """
    return _incidents_among(INDEX.matching(word))


def _incidents_among(ids: list[uuid.UUID]) -> Q:
    """``pk__in=ids`` for the long lists a common word gives, sent as one parameter.

    Django prepares an ``__in`` list element by element, which for the 30,000 ids of a common word
    costs more than the query itself; a JSON array (SQLite) or a uuid array (PostgreSQL) is one value.
    """
    # The SQL names only our own table and column, quoted; the ids travel as one bound parameter.
    column = f"{connection.ops.quote_name(Incident._meta.db_table)}.{connection.ops.quote_name('id')}"
    value: Any
    if connection.vendor == "postgresql":
        sql, value = f"{column} = ANY(%s::uuid[])", list(ids)
    else:  # SQLite keeps UUIDs as 32 hex digits
        sql, value = f"{column} IN (SELECT value FROM json_each(%s))", json.dumps([i.hex for i in ids])  # noqa: S608
    condition = RawSQL(sql, [value], output_field=BooleanField())  # noqa: S611  # see above
    return Q(condition)


def _coded_matches(word: str) -> Q:
    """Incidents whose act types or places are named with ``word``, found through their codes.

    The vocabularies and the gazetteer are small, so the word is matched against them here (case
    folded, Cyrillic too) and the incidents are then found by indexed ids rather than by text.
    """
    places, act_types = _coded_ids(word)
    matches = Q(pk__in=[])
    if places:
        matches |= Q(place_id__in=places) | Q(region_id__in=places)
    if act_types:
        matches |= Q(pk__in=Act.objects.filter(act_type_id__in=act_types).values("incident_id"))
    return matches


def _coded_ids(word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The places and the act types whose Russian or English names hold ``word`` (case folded)."""
    needle = word.casefold()
    act_types = [
        term_id
        for term_id, ru, en in Term.objects.filter(vocabulary__code="act_type").values_list(
            "id", "label_ru", "label_en"
        )
        if needle in ru.casefold() or needle in en.casefold()
    ]
    places = [
        place_id
        for place_id, ru, en in Place.objects.values_list("id", "name_ru", "name_en")
        if needle in ru.casefold() or needle in en.casefold()
    ]
    return tuple(places), tuple(act_types)
