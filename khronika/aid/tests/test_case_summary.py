"""The bilingual case summary for a lawyer: timeline, acts, interventions, inquiries and evidence hashes in
one PDF, ledgered as an export; no names, notes or narratives in it."""

import hashlib
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from khronika.aid.models import Inquiry
from khronika.aid.tests.conftest import client_for
from khronika.aid.tests.factories import DetentionEventFactory, InterventionFactory
from khronika.aid.tests.pdf import body, pdf_text
from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import (
    ActFactory,
    EvidenceFactory,
    IncidentFactory,
    OrganisationFactory,
    place,
    term,
)


def test_the_summary_lists_the_timeline_acts_interventions_and_evidence_hashes(aid):
    person = aid.case.persons.get()
    incident = IncidentFactory(compartment=aid.case.compartment, narrative="Synthetic secret narrative")
    aid.case.incidents.add(incident)
    ActFactory(incident=incident, victim=person, act_type=term("act_type"), days_detained=15)
    digest = hashlib.sha256(b"synthetic photo").hexdigest()
    EvidenceFactory(
        incident=incident, sha256=digest, media_type="image/jpeg", description="Synthetic description"
    )
    DetentionEventFactory(
        case=aid.case,
        person=person,
        kind="detained",
        occurred_at=timezone.now() - timedelta(days=2),
        place=place("RU-CE"),
        authority=OrganisationFactory(
            name_en="Synthetic district police", name_ru="Синтетический отдел полиции"
        ),
        note="Synthetic private timeline note",
    )
    InterventionFactory(
        case=aid.case, intervention_type=term("intervention_type", "appeal"), notes="Synthetic private notes"
    )
    Inquiry.objects.create(
        case=aid.case, person=person, addressee_kind="prosecutor", channel="post", sent_on=date(2026, 11, 1)
    )

    response = client_for(aid.lawyer).get(reverse("aid:case_summary", args=[aid.case.id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"case-{aid.case.reference}.pdf" in response["Content-Disposition"]
    text = pdf_text(body(response))
    # Narrow table columns wrap their text: compare without any whitespace.
    flat = "".join(text.split())

    def shows(words):
        return "".join(words.split()) in flat

    assert shows("Case summary / Сводка по делу") and shows("Detention timeline / Хронология задержания")
    assert shows("Synthetic district police") and shows("Синтетический отдел полиции")
    assert shows(person.pseudonym) and shows(incident.reference)
    assert shows(term("act_type").label_en) and shows(term("intervention_type", "appeal").label_en)
    assert shows("Evidence: SHA-256 on arrival") and digest in flat
    for private in (
        "Synthetic secret narrative",
        "Synthetic private",
        "Synthetic description",
        person.family_name,
    ):
        assert "".join(private.split()) not in flat
    assert LedgerEntry.objects.filter(
        action="export", object_type="aid.case", object_id=str(aid.case.id)
    ).exists()


def test_someone_not_on_the_case_gets_404_and_nothing_is_ledgered(aid):
    response = client_for(aid.stranger).get(reverse("aid:case_summary", args=[aid.case.id]))
    assert response.status_code == 404
    assert not LedgerEntry.objects.filter(action="export", object_id=str(aid.case.id)).exists()
