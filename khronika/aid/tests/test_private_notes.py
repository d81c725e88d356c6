"""Escape routes are read by the case's evacuation team and coordinators only; a psychologist's session
notes by their author only. One seized account must expose as little as possible."""

from django.urls import reverse

from khronika.aid import services
from khronika.aid.models import Intervention
from khronika.aid.tests.conftest import client_for
from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import term

ROUTE = "Synthetic route: train to the border town, safe flat near the station"
SESSION = "Synthetic session note: sleeps badly since the detention"


def test_the_evacuation_team_and_coordinators_read_and_write_the_evacuation_note(aid):
    url = reverse("aid:evacuation_note", args=[aid.case.id])
    assert client_for(aid.evacuation).post(url, {"text": ROUTE}).status_code == 302
    for user in (aid.evacuation, aid.coordinator):
        page = client_for(user).get(url)
        assert page.status_code == 200
        assert ROUTE in page.content.decode()


def test_reading_the_evacuation_note_is_ledgered_as_a_reveal(aid):
    services.save_evacuation_note(aid.evacuation, aid.case, ROUTE)
    client_for(aid.evacuation).get(reverse("aid:evacuation_note", args=[aid.case.id]))
    assert LedgerEntry.objects.filter(
        action="reveal", object_type="aid.case", object_id=str(aid.case.id), actor=f"user:{aid.evacuation.pk}"
    ).exists()


def test_the_case_lawyer_and_psychologist_get_a_404_and_never_see_the_route(aid):
    services.save_evacuation_note(aid.evacuation, aid.case, ROUTE)
    for user in (aid.lawyer, aid.psychologist):
        client = client_for(user)
        assert client.get(reverse("aid:evacuation_note", args=[aid.case.id])).status_code == 404
        case_page = client.get(reverse("aid:case_detail", args=[aid.case.id])).content.decode()
        assert ROUTE not in case_page
        assert reverse("aid:evacuation_note", args=[aid.case.id]) not in case_page


def test_the_route_is_not_on_the_case_page_even_for_the_evacuation_team(aid):
    """Shown on its own ledgered page only, never in passing."""
    services.save_evacuation_note(aid.evacuation, aid.case, ROUTE)
    page = client_for(aid.evacuation).get(reverse("aid:case_detail", args=[aid.case.id])).content.decode()
    assert ROUTE not in page


def test_session_notes_are_shown_to_the_psychologist_who_wrote_them_only(aid):
    services.add_intervention(
        aid.psychologist,
        Intervention(
            case=aid.case, intervention_type=term("intervention_type", "counselling"), notes=SESSION
        ),
    )
    url = reverse("aid:case_detail", args=[aid.case.id])
    assert SESSION in client_for(aid.psychologist).get(url).content.decode()
    for user in (aid.lawyer, aid.coordinator, aid.evacuation):
        page = client_for(user).get(url).content.decode()
        assert SESSION not in page
        assert "shown to their author only" in page


def test_notes_of_other_interventions_are_shared_with_the_team(aid):
    services.add_intervention(
        aid.lawyer,
        Intervention(
            case=aid.case,
            intervention_type=term("intervention_type", "legal-consultation"),
            notes="Synthetic",
        ),
    )
    assert (
        "Synthetic"
        in client_for(aid.psychologist).get(reverse("aid:case_detail", args=[aid.case.id])).content.decode()
    )


def test_only_the_author_may_edit_a_psychological_intervention(aid):
    intervention = services.add_intervention(
        aid.psychologist,
        Intervention(
            case=aid.case, intervention_type=term("intervention_type", "crisis-support"), notes=SESSION
        ),
    )
    url = reverse("aid:intervention_edit", args=[aid.case.id, intervention.id])
    for user in (aid.lawyer, aid.coordinator):
        assert client_for(user).get(url).status_code == 404
    page = client_for(aid.psychologist).get(url)
    assert page.status_code == 200 and SESSION in page.content.decode()
