"""Finding incidents: the filters of the incident list, inside the user's compartments."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from khronika.accounts.access import visible
from khronika.accounts.roles import Capability, has_capability
from khronika.records.models import Act, Incident, Information, Place, Term
from khronika.records.vocab import with_descendants


def find_incidents(user: Any, filters: dict[str, Any]) -> QuerySet[Incident]:
    """Incidents ``user`` may see that match the cleaned ``IncidentFilterForm`` data."""
    incidents = visible(Incident.objects.all(), user)
    if filters.get("act_type"):
        ids = with_descendants("act_type", filters["act_type"])
        incidents = incidents.filter(Exists(Act.objects.filter(incident=OuterRef("pk"), act_type_id__in=ids)))
    if filters.get("perpetrator_type"):
        ids = with_descendants("perpetrator_type", filters["perpetrator_type"])
        incidents = incidents.filter(
            Exists(Act.objects.filter(incident=OuterRef("pk"), perpetrator_type_id__in=ids))
        )
    if filters.get("source_type"):
        ids = with_descendants("source_type", filters["source_type"])
        incidents = incidents.filter(
            Exists(Information.objects.filter(incident=OuterRef("pk"), source__source_type_id__in=ids))
        )
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
    return incidents


def _text_query(user: Any, text: str) -> Q:
    """Codes for everybody; for those who may read titles, also every word in the title or coded fields.

    A code (an incident's reference, a victim's pseudonym) finds its incidents exactly. Otherwise every
    word must appear in the title, the act types or the place names (Russian or English). Narratives are
    not scanned in the database: at 100,000 incidents that scan alone takes longer than the whole page
    may (benchmarks/records_pages.py), and once the vault encrypts titles and narratives the database
    cannot read them at all. ``_sensitive_text_matches`` is where the vault's in-memory index plugs in.
    """
    text = text.strip()
    by_code = Q(reference__iexact=text) | Q(
        Exists(Act.objects.filter(incident=OuterRef("pk"), victim__pseudonym__iexact=text))
    )
    if not has_capability(user, Capability.VIEW_SENSITIVE):
        return by_code
    every_word = Q()
    for word in text.split():
        every_word &= _sensitive_text_matches(word) | _coded_matches(word)
    return by_code | every_word


def _sensitive_text_matches(word: str) -> Q:
    """Incidents whose sensitive text holds ``word``: the seam for the vault's in-memory index.

    Today the title is read in the database. When the vault encrypts titles and narratives, this becomes
    ``Q(pk__in=index.matching(word))`` over the index built at unseal, never a database text index (a
    text index would store the words of encrypted fields in clear: threat model 1).
    """
    return Q(title__icontains=word)


def _coded_matches(word: str) -> Q:
    """Incidents whose act types or places are named with ``word``, found through their codes.

    The vocabularies and the gazetteer are small, so the word is matched against them here (case
    folded, Cyrillic too) and the incidents are then found by indexed ids rather than by text.
    """
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
    matches = Q(pk__in=[])
    if places:
        matches |= Q(place_id__in=places) | Q(region_id__in=places)
    if act_types:
        matches |= Q(Exists(Act.objects.filter(incident=OuterRef("pk"), act_type_id__in=act_types)))
    return matches
