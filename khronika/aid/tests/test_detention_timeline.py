"""A detained person's timeline, and the dashboards "detained now" and "whereabouts unknown"."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from khronika.aid.models import DetentionEvent
from khronika.aid.tests.conftest import client_for
from khronika.aid.tests.factories import DetentionEventFactory
from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import OrganisationFactory, PersonFactory, term


def section(page, start, end):
    return page.split(f'id="{start}"')[1].split(f'id="{end}"')[0] if end else page.split(f'id="{start}"')[1]


def test_a_member_adds_a_detention_with_place_authority_and_grounds(aid):
    person = aid.case.persons.get()
    police = OrganisationFactory()
    article = term("legal_article")
    response = client_for(aid.lawyer).post(
        reverse("aid:detention_add", args=[aid.case.id]),
        {
            "person": person.id,
            "kind": "detained",
            "occurred_at": "2026-11-20T08:30",
            "place_code": "RU-CE",
            "authority": police.id,
            "legal_article": article.id,
            "grounds": "Synthetic: 'for a talk'",
            "note": "Synthetic note",
        },
    )
    assert response.status_code == 302
    event = DetentionEvent.objects.get()
    assert (event.person, event.authority, event.legal_article, event.place.code) == (
        person,
        police,
        article,
        "RU-CE",
    )
    assert event.recorded_by == aid.lawyer and event.grounds == "Synthetic: 'for a talk'"
    assert LedgerEntry.objects.filter(
        action="create", object_type="aid.detentionevent", object_id=str(event.id)
    ).exists()
    page = client_for(aid.lawyer).get(reverse("aid:case_detail", args=[aid.case.id])).content.decode()
    assert "Synthetic: &#x27;for a talk&#x27;" in page and person.pseudonym in page


def test_only_persons_on_the_case_can_be_put_on_its_timeline(aid, team):
    outsider = PersonFactory(compartment=team.home)
    response = client_for(aid.lawyer).post(
        reverse("aid:detention_add", args=[aid.case.id]),
        {"person": outsider.id, "kind": "detained", "occurred_at": "2026-11-20T08:30"},
    )
    assert response.status_code == 400
    assert not DetentionEvent.objects.exists()


def test_the_dashboard_shows_who_is_held_and_whose_whereabouts_are_unknown(aid, team):
    now = timezone.now()
    held, missing, freed = (
        aid.case.persons.get(),
        PersonFactory(compartment=team.home),
        PersonFactory(compartment=team.home),
    )
    aid.case.persons.add(missing, freed)
    DetentionEventFactory(case=aid.case, person=held, kind="detained", occurred_at=now - timedelta(days=3))
    DetentionEventFactory(case=aid.case, person=held, kind="held_at", occurred_at=now - timedelta(days=2))
    DetentionEventFactory(case=aid.case, person=missing, kind="detained", occurred_at=now - timedelta(days=5))
    DetentionEventFactory(
        case=aid.case, person=missing, kind="whereabouts_unknown", occurred_at=now - timedelta(hours=30)
    )
    DetentionEventFactory(
        case=aid.case, person=missing, kind="whereabouts_unknown", occurred_at=now - timedelta(hours=2)
    )
    DetentionEventFactory(case=aid.case, person=freed, kind="detained", occurred_at=now - timedelta(days=4))
    DetentionEventFactory(case=aid.case, person=freed, kind="released", occurred_at=now - timedelta(days=1))
    page = client_for(aid.lawyer).get(reverse("aid:dashboard")).content.decode()
    detained, unknown = section(page, "detained", "unknown"), section(page, "unknown", None)
    assert held.pseudonym in detained and missing.pseudonym not in detained
    assert "Unknown since" not in detained and "held at" in detained
    assert missing.pseudonym in unknown and held.pseudonym not in unknown
    # Counted from the disappearance, not from the latest note about it.
    assert (now - timedelta(hours=30)).strftime("%Y-%m-%d %H:%M") in unknown
    assert freed.pseudonym not in page


def test_the_dashboard_timelines_stay_within_the_cases_one_may_open(aid, team):
    from khronika.aid.tests.factories import CaseFactory

    hidden_case = CaseFactory(compartment=team.home)
    hidden_person = PersonFactory(compartment=team.home)
    hidden_case.persons.add(hidden_person)
    DetentionEventFactory(case=hidden_case, person=hidden_person, kind="whereabouts_unknown")
    assert (
        hidden_person.pseudonym not in client_for(aid.lawyer).get(reverse("aid:dashboard")).content.decode()
    )


def test_deleting_a_person_for_good_shreds_their_timeline(aid, team):
    from khronika.records.deletion import delete_person

    person = aid.case.persons.get()
    event = DetentionEventFactory(case=aid.case, person=person, kind="detained", grounds="Synthetic grounds")
    delete_person(person, team.documenter)
    assert not DetentionEvent.objects.filter(id=event.id).exists()
    assert LedgerEntry.objects.filter(
        action="delete", object_type="aid.detentionevent", object_id=str(event.id)
    ).exists()
