"""Letters for a detained or missing person, filled from the case, for the lawyer to edit and print.

Three Russian letters for the common requests (the whereabouts inquiry to the prosecutor, the request to
the regional ombudsman, the lawyer's access request), and, once a person's whereabouts stay unknown past
``AID_WHEREABOUTS_ESCALATION_HOURS``, two English drafts prepared from the timeline: an urgent appeal to
the UN Working Group on Enforced or Involuntary Disappearances and a request for interim measures (Rule 39)
to the European Court of Human Rights.

What is filled and what is not. Dates, places, the authority, the legal article and the grounds come from
the detention timeline; the person's name, date of birth and the sender's details are left as fields to
complete in [square brackets]. The server never writes a real name into a document it prepares: the
lawyer types it into the editable text, and the finished letter is rendered and sent to the browser
without being stored (``khronika.aid.rendering``). The internal pseudonym is never put in a letter
either: it would tie a letter found on a seized laptop to our records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from khronika.aid.escalation import unknown_since
from khronika.aid.models import Case, DetentionEvent, Inquiry
from khronika.aid.rendering import Letter
from khronika.aid.timeline import current_states
from khronika.records.models import Consent, Person


@dataclass(frozen=True)
class LetterKind:
    slug: str
    label: str | Promise  # in the staff interface
    title: str  # on the letter, in the letter's language
    language: str
    draft: bool = False  # a draft prepared for the lawyer to complete (the UN and Court documents)
    after_escalation: bool = False  # only once whereabouts stayed unknown past the escalation time


KINDS: dict[str, LetterKind] = {
    kind.slug: kind
    for kind in (
        LetterKind(
            "whereabouts-inquiry",
            _("Whereabouts inquiry to the prosecutor (Russian)"),
            "Заявление об установлении местонахождения задержанного",
            "ru",
        ),
        LetterKind(
            "ombudsman-request",
            _("Request to the regional ombudsman (Russian)"),
            "Обращение к Уполномоченному по правам человека",
            "ru",
        ),
        LetterKind(
            "lawyer-access",
            _("Lawyer's access request (Russian)"),
            "Заявление о допуске защитника к задержанному",
            "ru",
        ),
        LetterKind(
            "wgeid-appeal",
            _("Draft urgent appeal to the UN Working Group on Enforced Disappearances (English)"),
            "Urgent appeal: enforced disappearance (DRAFT)",
            "en",
            draft=True,
            after_escalation=True,
        ),
        LetterKind(
            "echr-rule39",
            _("Draft request for interim measures (Rule 39) to the European Court (English)"),
            "Request for interim measures under Rule 39 of the Rules of Court (DRAFT)",
            "en",
            draft=True,
            after_escalation=True,
        ),
    )
}


def escalation_reached(case: Case, now: datetime) -> bool:
    """True when a person on the case has been missing longer than the escalation time (or was)."""
    if case.escalated_at is not None:
        return True
    cutoff = unknown_since(now)
    return any(s.whereabouts_unknown and s.since <= cutoff for s in current_states([case]).values())


def available_kinds(case: Case, now: datetime) -> list[LetterKind]:
    reached = escalation_reached(case, now)
    return [kind for kind in KINDS.values() if reached or not kind.after_escalation]


def _when(moment: datetime | None, language: str) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return local.strftime("%d.%m.%Y около %H:%M") if language == "ru" else local.strftime("%d %B %Y, %H:%M")


def _kind_label_en(kind: str) -> str:
    with translation.override("en"):
        return str(DetentionEvent.Kind(kind).label)


def facts(case: Case, person: Person | None, now: datetime) -> dict[str, object]:
    """What the timeline says about ``person`` on ``case``, in the words of both letter languages
    (nothing, every fact left to complete, when the case has nobody on it yet)."""
    timeline = list(
        DetentionEvent.objects.filter(case=case, person=person)
        .select_related("place", "authority", "legal_article")
        .order_by("occurred_at", "created_at")
    )
    detentions = [e for e in timeline if e.kind == DetentionEvent.Kind.DETAINED]
    detained = detentions[-1] if detentions else (timeline[0] if timeline else None)
    state = current_states([case]).get((str(case.id), str(person.id))) if person else None
    article = detained.legal_article if detained else None
    place = detained.place if detained and detained.place_id else (state.place if state else None)
    authority = detained.authority if detained else None
    region = place.region if place else None
    unknown = state is not None and state.whereabouts_unknown
    inquiries = Inquiry.objects.filter(case=case, person=person).order_by("sent_on")
    return {
        "today_ru": timezone.localdate(now).strftime("%d.%m.%Y"),
        "today_en": timezone.localdate(now).strftime("%d %B %Y"),
        "detained_at_ru": _when(detained.occurred_at if detained else None, "ru"),
        "detained_at_en": _when(detained.occurred_at if detained else None, "en"),
        "place_ru": place.name_ru if place else "",
        "place_en": place.name_en if place else "",
        "region_ru": region.name_ru if region else "",
        "region_en": region.name_en if region else "",
        "authority_ru": authority.name_ru if authority else "",
        "authority_en": authority.name_en if authority else "",
        "article_ru": article.label_ru if article else "",
        "article_en": article.label_en if article else "",
        "grounds": str(detained.grounds) if detained else "",
        "unknown": unknown,
        "unknown_since_ru": _when(state.since, "ru") if unknown and state else "",
        "unknown_since_en": _when(state.since, "en") if unknown and state else "",
        "hours_unknown": int((now - state.since).total_seconds() // 3600) if unknown and state else 0,
        "lawyer_denied": any(e.kind == DetentionEvent.Kind.LAWYER_ACCESS_DENIED for e in timeline),
        "events": [
            {
                "when": _when(e.occurred_at, "en"),
                "what": _kind_label_en(e.kind),
                "where": e.place.name_en if e.place else "",
                "by": e.authority.name_en if e.authority else "",
                "grounds": " ".join(
                    part
                    for part in (e.legal_article.label_en if e.legal_article else "", str(e.grounds))
                    if part
                ),
            }
            for e in timeline
        ],
        "inquiries": [
            {
                "to": _addressee_en(i.addressee_kind),
                "sent": i.sent_on.strftime("%d %B %Y"),
                "reply": i.replied_on.strftime("%d %B %Y") if i.replied_on else "",
            }
            for i in inquiries
        ],
        # Submissions to UN bodies and courts need the person's (or, for a missing person, the family's)
        # consent (records' Consent model): the draft says so when none is recorded.
        "consent_recorded": person is not None
        and Person.objects.filter(id=person.id).with_consent(Consent.Scope.SUBMISSIONS).exists(),
    }


def _addressee_en(kind: str) -> str:
    with translation.override("en"):
        return str(Inquiry.Addressee(kind).label)


def draft(kind: LetterKind, case: Case, person: Person | None, now: datetime) -> Letter:
    """The letter filled from the case, ready to edit."""
    rendered = str(render_to_string(f"aid/letters/{kind.slug}.txt", facts(case, person, now)))
    lines = [line.strip() for line in rendered.replace("\r\n", "\n").split("\n")]
    # Paragraphs are separated by one blank line, however the template's tags left them.
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return Letter(kind.title, text, kind.language, kind.draft)
