"""Writing records: one incident with its acts, people, units and source, all or nothing, ledgered."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from khronika.accounts.models import User
from khronika.ledger.services import Event, object_ref, record_events
from khronika.records.dates import Precision
from khronika.records.models import Act, Incident, Information, Organisation, Person, Source
from khronika.records.vocab import term_by_code


def save_incident(
    user: User | None,
    incident_data: dict[str, Any],
    acts_data: list[dict[str, Any]],
    source_data: dict[str, Any] | None,
    incident: Incident | None = None,
) -> Incident:
    """Create or update an incident from cleaned form data.

    Runs in one transaction: a failure anywhere leaves no half-written incident, person or source.
    """
    events: list[Event] = []
    with transaction.atomic():
        created = incident is None
        incident = incident or Incident(created_by=user)
        _apply_incident(incident, incident_data)
        incident.save()
        events.append(_event("create" if created else "update", incident))
        for data in acts_data:
            events.extend(_save_act(user, incident, data))
        if source_data:
            events.extend(_save_information(user, incident, source_data))
        record_events(user, events)
    return incident


def _event(action: str, obj: Any) -> Event:
    return Event(action, *object_ref(obj))


def _apply_incident(incident: Incident, data: dict[str, Any]) -> None:
    incident.title = data["title"]
    incident.narrative = data.get("narrative", "")
    incident.status = data["status"]
    incident.confidentiality = data["confidentiality"]
    incident.compartment = data["compartment"]
    incident.place = data.get("place")
    start, end = data.get("date"), data.get("date_end")
    if start:
        incident.date_start, incident.date_end, incident.date_precision = start
        if end:
            incident.date_end = end[1]
        if data.get("approximate"):
            incident.date_precision = Precision.APPROXIMATE
    else:
        incident.date_start = incident.date_end = None


def _save_act(user: User | None, incident: Incident, data: dict[str, Any]) -> list[Event]:
    act_id = data.get("act_id")
    act = Act.objects.filter(incident=incident, id=act_id).first() if act_id else None
    if data.get("DELETE"):
        if act is not None:
            act.delete()
            return [Event("delete", "records.act", str(act_id))]
        return []
    if not data.get("act_type"):
        return []
    events: list[Event] = []
    victim = data.get("victim_pseudonym")
    if victim is None and (data.get("victim_given_name") or data.get("victim_family_name")):
        victim = Person.objects.create(
            compartment=incident.compartment,
            given_name=data.get("victim_given_name", ""),
            family_name=data.get("victim_family_name", ""),
            gender=term_by_code("gender", data.get("victim_gender", "")),
            age_band=term_by_code("age_band", data.get("victim_age_band", "")),
            region=incident.region,
        )
        events.append(_event("create", victim))
    unit = data.get("perpetrator_unit")
    perpetrator_type = term_by_code("perpetrator_type", data.get("perpetrator_type", ""))
    if unit is None and data.get("new_unit_name") and perpetrator_type is not None:
        unit = Organisation.objects.create(
            name_ru=data["new_unit_name"],
            name_en=data["new_unit_name"],
            perpetrator_type=perpetrator_type,
            place=incident.place,
        )
        events.append(_event("create", unit))
    created = act is None
    act = act or Act(incident=incident)
    act.act_type = term_by_code("act_type", data["act_type"])  # type: ignore[assignment]  # validated choice
    if victim is not None or created:
        act.victim = victim
    act.perpetrator_type = perpetrator_type or (unit.perpetrator_type if unit else None)
    act.perpetrator_unit = unit
    act.legal_article = term_by_code("legal_article", data.get("legal_article", ""))
    act.legal_article_part = data.get("legal_article_part", "")
    act.discovery_method = term_by_code("discovery_method", data.get("discovery_method", ""))
    act.days_detained = data.get("days_detained")
    act.fine_rub = data.get("fine_rub")
    act.description = data.get("description", "")
    act.save()
    events.append(_event("create" if created else "update", act))
    return events


def _save_information(user: User | None, incident: Incident, data: dict[str, Any]) -> list[Event]:
    events: list[Event] = []
    source = data.get("source_reference")
    if source is None:
        source_type = term_by_code("source_type", data.get("source_type", ""))
        if source_type is None:
            return []
        source = Source.objects.create(
            compartment=incident.compartment,
            source_type=source_type,
            name=data["source_name"],
            reliability=data.get("reliability") or "F",
        )
        events.append(_event("create", source))
    information = Information.objects.create(
        source=source,
        incident=incident,
        credibility=data.get("credibility") or "6",
        original_text=data.get("original_text", ""),
    )
    events.append(_event("create", information))
    return events


def act_initial(act: Act) -> dict[str, Any]:
    """Form values of an existing act, for the edit form."""
    return {
        "act_id": act.id,
        "act_type": act.act_type.code,
        "victim_pseudonym": act.victim.pseudonym if act.victim else "",
        "perpetrator_type": act.perpetrator_type.code if act.perpetrator_type else "",
        "perpetrator_unit": act.perpetrator_unit_id,
        "legal_article": act.legal_article.code if act.legal_article else "",
        "legal_article_part": act.legal_article_part,
        "discovery_method": act.discovery_method.code if act.discovery_method else "",
        "days_detained": act.days_detained,
        "fine_rub": act.fine_rub,
        "description": act.description,
    }
