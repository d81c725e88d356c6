"""Correcting a step of the detention timeline: a member edits it, the ledger records an update, and
someone not on the case gets the 404 of a missing event."""

import uuid

from django.urls import reverse
from django.utils import timezone

from khronika.aid.tests.conftest import client_for
from khronika.aid.tests.factories import DetentionEventFactory
from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import place


def test_a_member_corrects_the_time_and_place_of_an_event(aid):
    person = aid.case.persons.get()
    event = DetentionEventFactory(case=aid.case, person=person, kind="held_at", place=place("RU-DA"))
    url = reverse("aid:detention_edit", args=[aid.case.id, event.id])
    form_page = client_for(aid.lawyer).get(url)
    assert form_page.status_code == 200 and form_page.context["form"].initial["place_code"] == "RU-DA"
    response = client_for(aid.lawyer).post(
        url,
        {
            "person": person.id,
            "kind": "held_at",
            "occurred_at": "2026-11-21T10:15",
            "place_code": "RU-CE",
            "grounds": "Synthetic corrected grounds",
        },
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.place.code == "RU-CE" and event.grounds == "Synthetic corrected grounds"
    assert timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M") == "2026-11-21 10:15"
    assert LedgerEntry.objects.filter(
        action="update", object_type="aid.detentionevent", object_id=str(event.id)
    ).exists()


def test_an_event_of_another_case_or_a_stranger_gets_404(aid):
    person = aid.case.persons.get()
    event = DetentionEventFactory(case=aid.case, person=person)
    other = DetentionEventFactory()
    assert (
        client_for(aid.stranger).get(reverse("aid:detention_edit", args=[aid.case.id, event.id])).status_code
        == 404
    )
    assert (
        client_for(aid.lawyer).get(reverse("aid:detention_edit", args=[aid.case.id, other.id])).status_code
        == 404
    )
    assert (
        client_for(aid.lawyer)
        .get(reverse("aid:detention_edit", args=[aid.case.id, uuid.uuid4()]))
        .status_code
        == 404
    )
