"""A partner organisation providing help is a referral: it needs every case person's consent to referral
(records' Consent, default none). Without it the intervention is refused in plain words."""

from django.urls import reverse

from khronika.aid.models import Intervention
from khronika.aid.tests.conftest import client_for
from khronika.testing.factories import ConsentFactory, OrganisationFactory, term


def _post(aid, partner):
    return client_for(aid.lawyer).post(
        reverse("aid:intervention_add", args=[aid.case.id]),
        {
            "intervention_type": term("intervention_type", "shelter").id,
            "status": "planned",
            "provider_organisation": partner.id,
        },
    )


def test_it_refuses_a_partner_without_consent_to_referral(aid):
    response = _post(aid, OrganisationFactory())
    assert response.status_code == 400
    assert "consent to referral" in response.content.decode()
    assert not Intervention.objects.filter(case=aid.case).exists()


def test_consent_to_another_purpose_or_withdrawn_consent_does_not_count(aid):
    person = aid.case.persons.get()
    ConsentFactory(person=person, scope="publication")
    ConsentFactory(person=person, scope="referral", withdrawn_on="2026-11-01")
    assert _post(aid, OrganisationFactory()).status_code == 400


def test_it_accepts_the_partner_once_consent_to_referral_is_recorded(aid):
    ConsentFactory(person=aid.case.persons.get(), scope="referral")
    assert _post(aid, OrganisationFactory()).status_code == 302
    assert Intervention.objects.filter(case=aid.case).exists()


def test_help_from_the_team_itself_needs_no_referral_consent(aid):
    response = client_for(aid.lawyer).post(
        reverse("aid:intervention_add", args=[aid.case.id]),
        {
            "intervention_type": term("intervention_type", "appeal").id,
            "status": "planned",
            "provider_user": aid.lawyer.id,
        },
    )
    assert response.status_code == 302
