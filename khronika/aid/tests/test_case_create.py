"""A coordinator opens a case naming persons by pseudonym and incidents by reference; nothing else can be
linked, and the opening is ledgered with opaque ids only."""

from django.urls import reverse

from khronika.aid.models import Case, CaseMember
from khronika.aid.tests.conftest import client_for
from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import IncidentFactory, PersonFactory


def form(team, **extra):
    return {
        "compartment": team.home.id,
        "risk_level": "high",
        "status": "open",
        "opened_on": "2026-11-20",
        "summary": "Synthetic: needs a lawyer in Grozny",
        **extra,
    }


def test_a_coordinator_opens_a_case_and_becomes_its_lead(aid, team):
    person, incident = PersonFactory(compartment=team.home), IncidentFactory(compartment=team.home)
    response = client_for(aid.coordinator).post(
        reverse("aid:case_create"),
        form(team, person_pseudonyms=person.pseudonym.lower(), incident_references=incident.reference),
    )
    case = Case.objects.exclude(id=aid.case.id).get()
    assert response.status_code == 302 and response["Location"] == reverse("aid:case_detail", args=[case.id])
    assert case.reference.startswith("C-")
    assert list(case.persons.all()) == [person] and list(case.incidents.all()) == [incident]
    assert case.summary == "Synthetic: needs a lawyer in Grozny"
    assert CaseMember.objects.get(case=case).user == aid.coordinator
    entries = LedgerEntry.objects.filter(object_type="aid.case", object_id=str(case.id), action="create")
    assert entries.count() == 1
    assert not LedgerEntry.objects.filter(object_id__contains=case.reference).exists()


def test_a_person_of_another_compartment_is_refused_like_a_missing_one(aid, team):
    hidden = PersonFactory(compartment=team.elsewhere)
    client = client_for(aid.coordinator)
    refused = client.post(reverse("aid:case_create"), form(team, person_pseudonyms=hidden.pseudonym))
    missing = client.post(reverse("aid:case_create"), form(team, person_pseudonyms="P-2222222"))
    assert refused.status_code == missing.status_code == 400
    assert "No person you can see has the pseudonym" in refused.content.decode()
    assert Case.objects.count() == 1


def test_a_case_cannot_be_put_in_a_compartment_one_does_not_belong_to(aid, team):
    response = client_for(aid.coordinator).post(
        reverse("aid:case_create"), form(team, compartment=team.elsewhere.id)
    )
    assert response.status_code == 400
    assert Case.objects.count() == 1


def test_closing_a_case_sets_its_closing_date(aid, team):
    response = client_for(aid.coordinator).post(
        reverse("aid:case_edit", args=[aid.case.id]), form(team, status="closed")
    )
    assert response.status_code == 302
    aid.case.refresh_from_db()
    assert aid.case.closed_on is not None
    assert LedgerEntry.objects.filter(
        object_type="aid.case", object_id=str(aid.case.id), action="update"
    ).exists()


def test_lawyers_cannot_open_cases(aid, team):
    assert client_for(aid.lawyer).post(reverse("aid:case_create"), form(team)).status_code == 404
