"""From an anonymous report to a record: the incident form pre-filled with what the source said.

Staff check and complete everything before saving; nothing is recorded until they do. The source
becomes a Source of type "anonymous intake form" named only by the report's hour, and what they wrote
becomes that source's statement (encrypted like every source text).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from khronika.intake.services import OpenSubmission
from khronika.records.views import IncidentPrefill

_TITLE_CHARS = 120


def _title(text: str) -> str:
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    return first_line if len(first_line) <= _TITLE_CHARS else first_line[: _TITLE_CHARS - 1].rstrip() + "…"


def _narrative(answers: dict[str, Any]) -> str:
    parts = [answers.get("what_happened", "")]
    for label, key in [
        (_("Roughly when"), "when_roughly"),
        (_("Where, more precisely"), "place_detail"),
        (_("Who was involved"), "who_was_involved"),
        (_("How to reach the source"), "contact"),
    ]:
        if answers.get(key):
            parts.append(f"{label}: {answers[key]}")
    return "\n\n".join(part for part in parts if part)


def incident_prefill(opened: OpenSubmission) -> IncidentPrefill:
    answers = opened.answers()
    hour = opened.submission.received_hour.strftime("%Y-%m-%d %H:00")
    return IncidentPrefill(
        incident={
            "title": _title(answers.get("what_happened", "")),
            "narrative": _narrative(answers),
            "date": answers.get("when_date", ""),
            "approximate": not answers.get("when_date") and bool(answers.get("when_roughly")),
            "place": answers.get("place", ""),
        },
        acts=[{"act_type": code} for code in answers.get("acts", [])],
        source={
            "source_type": "anonymous-intake-form",
            "source_name": _("Anonymous report of %(hour)s") % {"hour": hour},
            "original_text": answers.get("what_happened", ""),
        },
    )
