"""Police pose as people in need to lure helpers: wherever a meeting, shelter or evacuation step is
planned for a client nobody verified, the case page and the dashboard say "unverified client"."""

from django.urls import reverse

from khronika.aid.models import Intervention, Verification
from khronika.aid.tests.conftest import client_for
from khronika.aid.tests.factories import InterventionFactory
from khronika.testing.factories import term

WARNING = "Unverified client."


def case_page(aid):
    return client_for(aid.lawyer).get(reverse("aid:case_detail", args=[aid.case.id])).content.decode()


def dashboard(aid):
    return client_for(aid.lawyer).get(reverse("aid:dashboard")).content.decode()


def test_a_planned_shelter_for_an_unverified_client_is_flagged_on_the_case_and_the_dashboard(aid):
    InterventionFactory(case=aid.case, intervention_type=term("intervention_type", "shelter"))
    assert WARNING in case_page(aid)
    assert "unverified client" in dashboard(aid)


def test_a_planned_evacuation_abroad_is_flagged(aid):
    InterventionFactory(case=aid.case, intervention_type=term("intervention_type", "evacuation-abroad"))
    assert WARNING in case_page(aid)


def test_a_face_to_face_meeting_of_any_type_is_flagged(aid):
    InterventionFactory(
        case=aid.case,
        intervention_type=term("intervention_type", "legal-consultation"),
        involves_meeting=True,
    )
    assert WARNING in case_page(aid)


def test_a_remote_consultation_is_not_flagged(aid):
    InterventionFactory(case=aid.case, intervention_type=term("intervention_type", "legal-consultation"))
    assert WARNING not in case_page(aid)


def test_a_finished_shelter_stay_is_not_flagged(aid):
    InterventionFactory(
        case=aid.case, intervention_type=term("intervention_type", "shelter"), status=Intervention.Status.DONE
    )
    assert WARNING not in case_page(aid)


def test_recording_a_positive_verification_lifts_the_warning(aid):
    InterventionFactory(case=aid.case, intervention_type=term("intervention_type", "shelter"))
    response = client_for(aid.lawyer).post(
        reverse("aid:verification_add", args=[aid.case.id]),
        {"verified": "yes", "method": "video_call", "verified_at": "2026-11-24T10:00", "note": "Synthetic"},
    )
    assert response.status_code == 302
    assert Verification.objects.get(case=aid.case).verified_by == aid.lawyer
    assert WARNING not in case_page(aid)
    assert "unverified client" not in dashboard(aid)


def test_a_failed_verification_keeps_the_warning(aid):
    InterventionFactory(case=aid.case, intervention_type=term("intervention_type", "shelter"))
    client_for(aid.lawyer).post(
        reverse("aid:verification_add", args=[aid.case.id]),
        {"verified": "no", "method": "other", "verified_at": "2026-11-24T10:00"},
    )
    assert WARNING in case_page(aid)
