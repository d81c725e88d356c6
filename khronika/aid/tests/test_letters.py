"""Letters filled from the case: editable, exported as PDF and DOCX, ledgered; UN and Court drafts only
once whereabouts stay unknown past the escalation time. The person's name is never filled in by us."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from khronika.aid.tests.conftest import client_for
from khronika.aid.tests.factories import DetentionEventFactory
from khronika.aid.tests.pdf import body, docx_text, pdf_text
from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import ConsentFactory, OrganisationFactory, place, term


@pytest.fixture
def detained(aid):
    person = aid.case.persons.get()
    police = OrganisationFactory(name_ru="Отдел полиции синтетический", name_en="Synthetic police department")
    DetentionEventFactory(
        case=aid.case,
        person=person,
        kind="detained",
        occurred_at=timezone.now() - timedelta(hours=50),
        place=place("RU-CE"),
        authority=police,
        legal_article=term("legal_article"),
        grounds="Synthetic: 'for a talk'",
    )
    return person


def _letter_url(aid, kind, person):
    return reverse("aid:letter", args=[aid.case.id, kind]) + f"?person={person.pseudonym}"


def test_the_whereabouts_inquiry_is_filled_from_the_timeline_without_any_name(aid, detained):
    response = client_for(aid.lawyer).get(_letter_url(aid, "whereabouts-inquiry", detained))
    assert response.status_code == 200
    text = response.context["form"].initial["text"]
    assert "Отдел полиции синтетический" in text and "Чеченская Республика" in text
    assert "Synthetic: 'for a talk'" in text and "ст. 96 УПК РФ" in text
    assert "[ФИО задержанного полностью]" in text
    # Neither the real name (encrypted in the person record) nor our pseudonym goes into a letter.
    assert detained.family_name not in text and detained.pseudonym not in text


def test_the_edited_letter_is_exported_as_pdf_and_ledgered(aid, detained):
    url = _letter_url(aid, "whereabouts-inquiry", detained)
    filled = client_for(aid.lawyer).get(url).context["form"].initial
    edited = filled["text"].replace("[ФИО задержанного полностью]", "Синтетический Иван Петрович", 1)
    response = client_for(aid.lawyer).post(url, {"title": filled["title"], "text": edited, "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "whereabouts-inquiry.pdf" in response["Content-Disposition"]
    text = " ".join(pdf_text(body(response)).split())
    assert "Синтетический Иван Петрович" in text and "установлении местонахождения" in text
    assert LedgerEntry.objects.filter(
        action="export", object_type="aid.case", object_id=str(aid.case.id)
    ).exists()


def test_the_docx_reads_back_with_the_fields_to_complete_and_names_no_author(aid, detained):
    from docx import Document

    url = _letter_url(aid, "lawyer-access", detained)
    filled = client_for(aid.lawyer).get(url).context["form"].initial
    response = client_for(aid.lawyer).post(
        url, {"title": filled["title"], "text": filled["text"], "format": "docx"}
    )
    assert response.status_code == 200
    content = body(response)
    text = docx_text(content)
    assert "ЗАЯВЛЕНИЕ" in text and "о допуске защитника к задержанному" in text
    assert "[номер ордера]" in text and "ч. 4 ст. 92 УПК РФ" in text
    properties = Document(io.BytesIO(content)).core_properties
    assert properties.author == "" and properties.last_modified_by == ""


def test_the_un_and_court_drafts_do_not_exist_before_the_escalation_time(aid, detained):
    for kind in ("wgeid-appeal", "echr-rule39"):
        assert client_for(aid.lawyer).get(_letter_url(aid, kind, detained)).status_code == 404


def test_after_the_escalation_time_the_drafts_are_prepared_from_the_timeline(aid, detained, settings):
    settings.AID_WHEREABOUTS_ESCALATION_HOURS = 24
    DetentionEventFactory(
        case=aid.case,
        person=detained,
        kind="whereabouts_unknown",
        occurred_at=timezone.now() - timedelta(hours=30),
    )
    page = client_for(aid.lawyer).get(reverse("aid:documents", args=[aid.case.id])).content.decode()
    assert "UN Working Group" in page and "Rule 39" in page

    url = _letter_url(aid, "wgeid-appeal", detained)
    filled = client_for(aid.lawyer).get(url).context["form"].initial
    assert "Synthetic police department" in filled["text"] and "Chechen" in filled["text"]
    assert "whereabouts have been unknown since" in filled["text"]
    # No consent for submissions is recorded: the draft says so in a field to complete.
    assert "[CONSENT: no consent for submissions" in filled["text"]
    response = client_for(aid.lawyer).post(url, {**filled, "format": "pdf"})
    text = " ".join(pdf_text(body(response)).split())
    assert text.startswith("DRAFT for the lawyer to complete")
    assert "URGENT ACTION REQUEST" in text

    rule39 = (
        client_for(aid.lawyer).get(_letter_url(aid, "echr-rule39", detained)).context["form"].initial["text"]
    )
    assert "16 September 2022" in rule39 and "detained" in rule39


def test_recorded_consent_removes_the_consent_warning(aid, detained, settings):
    settings.AID_WHEREABOUTS_ESCALATION_HOURS = 24
    ConsentFactory(person=detained, scope="submissions", method="through_relative")
    DetentionEventFactory(
        case=aid.case,
        person=detained,
        kind="whereabouts_unknown",
        occurred_at=timezone.now() - timedelta(hours=30),
    )
    text = (
        client_for(aid.lawyer).get(_letter_url(aid, "wgeid-appeal", detained)).context["form"].initial["text"]
    )
    assert "[CONSENT" not in text


def test_someone_not_on_the_case_gets_404(aid, detained):
    for url in (
        reverse("aid:documents", args=[aid.case.id]),
        _letter_url(aid, "whereabouts-inquiry", detained),
    ):
        assert client_for(aid.stranger).get(url).status_code == 404
