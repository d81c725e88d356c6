"""The case summary a lawyer takes to court or to a partner: one bilingual PDF (English and Russian).

It lists the detention timeline, the acts of the linked incidents, the interventions, the inquiries to
authorities and the SHA-256 of every evidence file of those incidents (taken on arrival, so a court can
check a file it receives separately). What it leaves out, on purpose: names and contacts (the person is
named by pseudonym, as everywhere), notes of any kind (psychologists' session notes are their author's
only; the evacuation note is never printed), the case summary and incident narratives, and original
file names. Every summary made is a ledgered ``export`` of the case (threat model 3).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from khronika.accounts.models import User
from khronika.aid.models import Case, DetentionEvent, Inquiry, Intervention
from khronika.aid.rendering import html_to_pdf
from khronika.ledger.services import record
from khronika.records.models import Act, Evidence


def both(english: str, russian: str) -> str:
    """ "English / Russian", or the one that exists when they are the same or one is missing."""
    if not russian or russian == english:
        return english
    if not english:
        return russian
    return f"{english} / {russian}"


def _label(choice: Any) -> str:
    with translation.override("en"):
        english = str(choice.label)
    with translation.override("ru"):
        russian = str(choice.label)
    return both(english, russian)


def _term(term: Any) -> str:
    return both(term.label_en, term.label_ru) if term is not None else ""


def _named(obj: Any) -> str:
    return both(obj.name_en, obj.name_ru) if obj is not None else ""


def summary_context(case: Case, now: datetime) -> dict[str, Any]:
    incidents = list(case.incidents.order_by("date_start", "reference"))
    timeline = case.detention_events.select_related("person", "place", "authority", "legal_article")
    acts = (
        Act.objects.filter(incident__in=incidents)
        .select_related(
            "incident", "act_type", "victim", "perpetrator_type", "perpetrator_unit", "legal_article"
        )
        .order_by("incident__date_start", "incident__reference", "id")
    )
    interventions = case.interventions.select_related("intervention_type", "provider_organisation")
    evidence = (
        Evidence.objects.filter(incident__in=incidents).select_related("incident").order_by("received_at")
    )
    return {
        "case": case,
        "generated": timezone.localtime(now),
        "persons": [p.pseudonym for p in case.persons.order_by("pseudonym")],
        "risk": _label(Case.Risk(case.risk_level)),
        "status": _label(Case.Status(case.status)),
        "timeline": [
            {
                "when": timezone.localtime(e.occurred_at),
                "person": e.person.pseudonym,
                "what": _label(DetentionEvent.Kind(e.kind)),
                "where": _named(e.place),
                "by": _named(e.authority),
                "grounds": " · ".join(part for part in (_term(e.legal_article), str(e.grounds)) if part),
            }
            for e in timeline
        ],
        "acts": [
            {
                "incident": a.incident.reference,
                "date": a.incident.date_start,
                "act": _term(a.act_type),
                "victim": a.victim.pseudonym if a.victim else "",
                "perpetrator": " · ".join(
                    p for p in (_term(a.perpetrator_type), _named(a.perpetrator_unit)) if p
                ),
                "article": " ".join(p for p in (_term(a.legal_article), a.legal_article_part) if p),
                "days_detained": a.days_detained,
            }
            for a in acts
        ],
        "interventions": [
            {
                "type": _term(i.intervention_type),
                "status": _label(Intervention.Status(i.status)),
                "start": i.start_on,
                "end": i.end_on,
                "partner": _named(i.provider_organisation),
            }
            for i in interventions
        ],
        "inquiries": [
            {
                "to": _label(Inquiry.Addressee(i.addressee_kind)),
                "sent": i.sent_on,
                "due": i.reply_due_on,
                "replied": i.replied_on,
            }
            for i in case.inquiries.order_by("sent_on")
        ],
        "evidence": [
            {
                "incident": e.incident.reference,
                "sha256": e.sha256,
                "media_type": e.media_type,
                "size": e.size,
                "received": timezone.localtime(e.received_at),
            }
            for e in evidence
        ],
    }


def case_summary_pdf(actor: User, case: Case, now: datetime | None = None) -> bytes:
    """The summary as PDF bytes, ledgered as an export of the case before it leaves the server."""
    now = now or timezone.now()
    pdf = html_to_pdf(render_to_string("aid/print/case_summary.html", summary_context(case, now)))
    record(actor, "export", case)
    return pdf
