"""The JSON form of an extraction, as ``khronika monitor extract`` prints it (docs/data-format.md)."""

from __future__ import annotations

from typing import Any

from khronika.monitoring.extraction.types import ArticleExtraction, CandidateIncident, Extracted, NamedPerson

FORMAT = "khronika-extraction"
VERSION = 1


def _value(item: Extracted[Any]) -> dict[str, Any]:
    value = item.value
    if isinstance(value, NamedPerson):
        value = {"name": value.name, "pseudonym": value.pseudonym}
    return {
        "value": value,
        "spans": [[s.start, s.end] for s in item.spans],
        "confidence": round(item.confidence, 2),
    }


def _optional(item: Extracted[Any] | None) -> dict[str, Any] | None:
    return None if item is None else _value(item)


def incident_to_dict(incident: CandidateIncident) -> dict[str, Any]:
    date = None
    if incident.date is not None:
        date = _value(incident.date) | {
            "value": incident.date.value.iso,
            "precision": incident.date.value.precision,
        }
    return {
        "date": date,
        "region": _optional(incident.region),
        "town": _optional(incident.town),
        "act_types": [_value(a) for a in incident.act_types],
        "victim_count": _optional(incident.victim_count),
        "perpetrator_types": [_value(p) for p in incident.perpetrator_types],
        "people": [_value(p) for p in incident.people],
        "pseudonym": any(p.value.pseudonym for p in incident.people),
        "detention_days": _optional(incident.detention_days),
        "legal_articles": [_value(a) for a in incident.legal_articles],
    }


def article_to_dict(extraction: ArticleExtraction, **source: Any) -> dict[str, Any]:
    """One article: where it came from (``source``), its language and text, and its candidates."""
    return {
        "source": source,
        "language": extraction.language,
        "text": extraction.text,
        "incidents": [incident_to_dict(i) for i in extraction.incidents],
    }
