"""Adding an intervention of the controlled vocabulary, with a staff or partner provider; ledgered."""

from django.urls import reverse

from khronika.aid.models import Intervention
from khronika.aid.tests.conftest import client_for
from khronika.ledger.models import LedgerEntry
from khronika.records.models import Term
from khronika.testing.factories import ConsentFactory, OrganisationFactory, term


def test_the_intervention_vocabulary_has_the_types_the_aid_work_needs(reference_data):
    codes = set(Term.objects.filter(vocabulary__code="intervention_type").values_list("code", flat=True))
    assert {
        "legal-consultation",
        "legal-representation",
        "complaint",
        "appeal",
        "un-individual-complaint",
        "echr-application",
        "psychological",
        "account-securing",
        "account-deletion",
        "content-removal",
        "internal-relocation",
        "evacuation-abroad",
        "travel-documents",
        "asylum",
        "shelter",
        "medical",
        "financial",
        "advocacy-and-media",
    } <= codes
    shelter = Term.objects.get(vocabulary__code="intervention_type", code="shelter")
    assert shelter.label_ru and shelter.label_en


def test_a_member_adds_an_intervention_provided_by_a_partner_organisation(aid):
    partner = OrganisationFactory()
    # A partner is a referral: it needs the person's consent (test_referral_consent.py).
    ConsentFactory(person=aid.case.persons.get(), scope="referral")
    response = client_for(aid.lawyer).post(
        reverse("aid:intervention_add", args=[aid.case.id]),
        {
            "intervention_type": term("intervention_type", "appeal").id,
            "status": "in_progress",
            "start_on": "2026-11-01",
            "provider_user": aid.lawyer.id,
            "provider_organisation": partner.id,
            "notes": "Synthetic appeal notes",
            "outcome": "",
        },
    )
    assert response.status_code == 302
    intervention = Intervention.objects.get(case=aid.case)
    assert intervention.author == aid.lawyer and intervention.provider_organisation == partner
    assert intervention.notes == "Synthetic appeal notes"
    assert LedgerEntry.objects.filter(
        action="create", object_type="aid.intervention", object_id=str(intervention.id)
    ).exists()


def test_the_provider_must_be_on_the_case(aid):
    response = client_for(aid.lawyer).post(
        reverse("aid:intervention_add", args=[aid.case.id]),
        {
            "intervention_type": term("intervention_type", "appeal").id,
            "status": "planned",
            "provider_user": aid.stranger.id,
        },
    )
    assert response.status_code == 400
    assert not Intervention.objects.exists()


def test_an_end_before_the_start_is_refused_in_plain_words(aid):
    response = client_for(aid.lawyer).post(
        reverse("aid:intervention_add", args=[aid.case.id]),
        {
            "intervention_type": term("intervention_type", "appeal").id,
            "status": "planned",
            "start_on": "2026-11-10",
            "end_on": "2026-11-01",
        },
    )
    assert response.status_code == 400
    assert "The end cannot be before the start." in response.content.decode()


def test_a_member_records_the_outcome_and_the_update_is_ledgered(aid):
    from khronika.aid.tests.factories import InterventionFactory

    intervention = InterventionFactory(case=aid.case, intervention_type=term("intervention_type", "appeal"))
    response = client_for(aid.lawyer).post(
        reverse("aid:intervention_edit", args=[aid.case.id, intervention.id]),
        {
            "intervention_type": intervention.intervention_type_id,
            "status": "done",
            "outcome": "Synthetic: won",
        },
    )
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert (intervention.status, intervention.outcome) == ("done", "Synthetic: won")
    assert LedgerEntry.objects.filter(
        action="update", object_type="aid.intervention", object_id=str(intervention.id)
    ).exists()


def test_the_intervention_form_warns_when_the_client_is_unverified(aid):
    page = client_for(aid.lawyer).get(reverse("aid:intervention_add", args=[aid.case.id])).content.decode()
    assert "Unverified client." in page
