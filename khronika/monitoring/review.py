"""Review: what a reviewer sees of a candidate, and the three decisions (accept, link, reject).

Accepting opens the ordinary incident form pre-filled from the candidate (nothing is recorded until
the reviewer saves it); linking adds the article as a new source of an existing incident. Either way
the incident keeps its provenance: a Source with the article's address and an Information row whose
text ends with the address and the SHA-256 of the article as it was read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khronika.accounts.access import visible
from khronika.accounts.models import User
from khronika.ledger.services import Event, object_ref, record_events
from khronika.monitoring.models import Article, Candidate
from khronika.records.models import Incident, Information, Place, Source
from khronika.records.models.bilingual import in_language
from khronika.records.views import IncidentPrefill
from khronika.records.vocab import term_by_code

# One act row per victim, up to this many: more is rarely one incident, and the reviewer can add rows.
MAX_ACT_ROWS = 10


def extracted(candidate: Candidate) -> dict[str, Any]:
    """The CandidateIncident as stored (extraction/types.py, as plain JSON)."""
    data: dict[str, Any] = json.loads(str(candidate.extracted))
    return data


@dataclass(frozen=True)
class Field:
    """One extracted value as shown: its label, the value, the confidence and the words it came from."""

    name: str
    label: str
    value: str
    confidence: float
    quotes: list[str]


_SINGLE = [
    ("date", gettext_lazy("Date")),
    ("region", gettext_lazy("Region")),
    ("town", gettext_lazy("Town")),
    ("victim_count", gettext_lazy("Number of victims")),
    ("detention_days", gettext_lazy("Days in detention")),
]
_MANY = [
    ("act_types", gettext_lazy("Act types")),
    ("perpetrator_types", gettext_lazy("Perpetrators")),
    ("legal_articles", gettext_lazy("Legal articles")),
    ("people", gettext_lazy("Named people")),
]


def _entries(data: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for name, label in _SINGLE:
        if data.get(name):
            yield name, str(label), data[name]
    for name, label in _MANY:
        for entry in data.get(name) or []:
            yield name, str(label), entry


_VOCABULARIES = {
    "act_types": "act_type",
    "perpetrator_types": "perpetrator_type",
    "legal_articles": "legal_article",
}


def _shown(name: str, value: Any) -> str:
    """The value as a reviewer reads it: vocabulary and gazetteer codes with their labels."""
    if name == "date":
        return f"{value['iso']} ({value['precision']})"
    if name == "people":
        return f"{value['name']} ({_('name changed')})" if value.get("pseudonym") else str(value["name"])
    if name == "region":
        place = Place.objects.filter(code=value).first()
        return f"{in_language(place.name_ru, place.name_en)} ({value})" if place else str(value)
    if name in _VOCABULARIES:
        term = term_by_code(_VOCABULARIES[name], str(value))
        return f"{in_language(term.label_ru, term.label_en)} ({value})" if term else str(value)
    return str(value)


def fields(candidate: Candidate, text: str) -> list[Field]:
    return [
        Field(
            name,
            label,
            _shown(name, entry["value"]),
            float(entry.get("confidence", 0)),
            [text[s["start"] : s["end"]] for s in entry.get("spans", [])],
        )
        for name, label, entry in _entries(extracted(candidate))
    ]


def highlighted(text: str, candidate: Candidate) -> SafeString:
    """The article text, escaped, with every span of the candidate in a ``<mark>``.

    Threat: an article is hostile input. Every piece of text is escaped; only our own ``<mark>`` tags
    are markup. Overlapping spans are merged, and spans outside the text are ignored.
    """
    spans: list[tuple[int, int, str]] = []
    for name, _label, entry in _entries(extracted(candidate)):
        for span in entry.get("spans", []):
            start, end = int(span["start"]), int(span["end"])
            if 0 <= start < end <= len(text):
                spans.append((start, end, name))
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, name in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, name))
    parts: list[str] = []
    position = 0
    for start, end, name in merged:
        parts.append(escape(text[position:start]))
        parts.append(f'<mark class="extract-{escape(name)}">{escape(text[start:end])}</mark>')
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308  # every piece above is escaped


def _value(data: dict[str, Any], name: str) -> Any:
    entry = data.get(name)
    return entry["value"] if entry else None


def place_code(data: dict[str, Any]) -> str:
    """The town's gazetteer code when the town is known in the region, else the region's."""
    region, town = _value(data, "region"), _value(data, "town")
    if town and region:
        for place in Place.objects.filter(parent__code=region).exclude(kind="region"):
            if town in (place.name_ru, place.name_en):
                return place.code
    return str(region or "")


def prefill(candidate: Candidate) -> IncidentPrefill:
    article = candidate.article
    data = extracted(candidate)
    when = _value(data, "date")
    perpetrators = [entry["value"] for entry in data.get("perpetrator_types") or []]
    articles = [entry["value"] for entry in data.get("legal_articles") or []]
    victims = max(1, min(int(_value(data, "victim_count") or 1), MAX_ACT_ROWS))
    acts = [
        {
            "act_type": entry["value"],
            "perpetrator_type": perpetrators[0] if perpetrators else "",
            "legal_article": articles[0] if articles else "",
            "days_detained": _value(data, "detention_days"),
        }
        for entry in data.get("act_types") or []
        for _victim in range(victims)
    ]
    return IncidentPrefill(
        incident={
            "title": str(article.title or "")[:300],
            "narrative": str(article.text),
            "date": when["iso"] if when else "",
            "place": place_code(data),
            "compartment": article.compartment_id,
        },
        acts=acts,
        source={
            "source_type": _source_type(article),
            "source_name": _source_name(article),
            "original_text": provenance_text(article),
        },
    )


def _source_type(article: Article) -> str:
    return "telegram-channel" if article.origin == Article.Origin.TELEGRAM else "media-outlet"


def _source_name(article: Article) -> str:
    if article.feed is not None and article.feed.title:
        return str(article.feed.title)[:300]
    return urlsplit(str(article.url)).netloc or _("Open source")


def provenance_text(article: Article) -> str:
    """The article's text and, at the end, where and in what exact form it was read."""
    lines = [str(article.text), "", _("Read from: %(url)s") % {"url": article.url or _("a file")}]
    lines.append(_("SHA-256 of the text: %(hash)s") % {"hash": article.sha256})
    return "\n".join(lines)


def matches(user: User, candidate: Candidate) -> QuerySet[Incident]:
    """Incidents the candidate may already be: same region, same month (or any date if none known)."""
    data = extracted(candidate)
    region = _value(data, "region")
    if not region:
        return Incident.objects.none()
    rows = visible(Incident.objects.filter(region__code=region), user)
    when = _value(data, "date")
    if when and len(when["iso"]) >= 7:
        year, month = int(when["iso"][:4]), int(when["iso"][5:7])
        first = date(year, month, 1)
        after = date(year + (month == 12), month % 12 + 1, 1)
        rows = (
            rows.filter(date_start__lt=after)
            .exclude(date_end__lt=first)
            .exclude(date_end__isnull=True, date_start__lt=first)
        )
    return rows.select_related("place").order_by("-date_start")[:20]


def _decided(user: User, candidate: Candidate, status: str, incident: Incident | None) -> Event:
    candidate.status = status
    candidate.incident = incident
    candidate.reviewed_by = user
    candidate.reviewed_at = timezone.now()
    candidate.save(update_fields=["status", "incident", "reviewed_by", "reviewed_at"])
    return Event(f"monitoring.{status}", *object_ref(candidate))


def accepted(user: User, candidate: Candidate, incident: Incident) -> None:
    """After the pre-filled form was saved: the article's provenance on the incident, the decision."""
    with transaction.atomic():
        events = _provenance(incident, candidate.article)
        events.append(_decided(user, candidate, Candidate.Status.ACCEPTED, incident))
        record_events(user, events)


def link(user: User, candidate: Candidate, incident: Incident) -> None:
    """The article as one more source of ``incident``."""
    with transaction.atomic():
        events = _provenance(incident, candidate.article, always=True)
        events.append(_decided(user, candidate, Candidate.Status.LINKED, incident))
        record_events(user, events)


def reject(user: User, candidate: Candidate) -> None:
    with transaction.atomic():
        record_events(user, [_decided(user, candidate, Candidate.Status.REJECTED, None)])


def _provenance(incident: Incident, article: Article, *, always: bool = False) -> list[Event]:
    """Source and Information pointing at the article. The form's own source row (if the reviewer
    kept it) gets the address and language; if they removed it, or when linking, one is added."""
    events: list[Event] = []
    kept = [] if always else list(Information.objects.filter(incident=incident).select_related("source"))
    for information in kept:
        source = information.source
        if not source.url and article.url:
            source.url = article.url
            source.language = article.language
            source.save()
            events.append(Event("update", *object_ref(source)))
        information.language = article.language
        information.retrieved_on = article.imported_at.date()
        information.save()
        events.append(Event("update", *object_ref(information)))
    if kept:
        return events
    source_type = term_by_code("source_type", _source_type(article))
    assert source_type is not None, "the source_type vocabulary is loaded (khronika loadreference)"
    source = Source(
        compartment=incident.compartment,
        source_type=source_type,
        name=_source_name(article),
        url=article.url,
        language=article.language,
    )
    source.save()
    information = Information(
        source=source,
        incident=incident,
        language=article.language,
        retrieved_on=article.imported_at.date(),
        original_text=provenance_text(article),
    )
    information.save()
    return [Event("create", *object_ref(source)), Event("create", *object_ref(information))]
