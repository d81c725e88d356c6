"""Finding incidents: the filters of the incident list, inside the user's compartments."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from khronika.accounts.access import visible
from khronika.accounts.roles import Capability, has_capability
from khronika.records.models import Act, Incident, Information
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
    """Reference codes for everybody; titles and narratives, every word, for those who may read them."""
    by_reference = Q(reference__iexact=text.strip())
    if not has_capability(user, Capability.VIEW_SENSITIVE):
        return by_reference
    every_word = Q()
    for word in text.split():
        every_word &= Q(title__icontains=word) | Q(narrative__icontains=word)
    return by_reference | every_word
