"""Only a case's team and the coordinators of its compartment reach it; everyone else gets the 404 of a
case that does not exist (threat model 3: an informant must not learn that a case exists)."""

import uuid

from django.urls import reverse

from khronika.accounts.roles import Role
from khronika.aid.access import visible_cases
from khronika.aid.tests.conftest import client_for
from khronika.testing.factories import UserFactory


def detail(case_id):
    return reverse("aid:case_detail", args=[case_id])


def test_members_of_the_case_open_it(aid):
    for user in (aid.lawyer, aid.psychologist, aid.evacuation):
        response = client_for(user).get(detail(aid.case.id))
        assert response.status_code == 200
        assert aid.case.reference in response.content.decode()


def test_a_coordinator_of_its_compartment_opens_it_without_being_a_member(aid):
    assert client_for(aid.coordinator).get(detail(aid.case.id)).status_code == 200


def test_a_lawyer_not_on_the_case_gets_the_404_of_a_missing_case(aid):
    client = client_for(aid.stranger)
    refused = client.get(detail(aid.case.id))
    missing = client.get(detail(uuid.uuid4()))
    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content


def test_a_coordinator_of_another_compartment_gets_the_404(aid, team):
    other = UserFactory(role=Role.COORDINATOR, compartments=[team.elsewhere])
    assert client_for(other).get(detail(aid.case.id)).status_code == 404


def test_documenters_and_analysts_see_no_case_even_in_their_compartment(aid, team):
    for user in (team.documenter, team.analyst):
        assert not visible_cases(user).exists()
        assert client_for(user).get(detail(aid.case.id)).status_code == 404


def test_the_dashboard_lists_only_the_cases_one_may_open(aid, team):
    from khronika.aid.tests.factories import CaseFactory

    hidden = CaseFactory(compartment=team.home)
    page = client_for(aid.lawyer).get(reverse("aid:dashboard")).content.decode()
    assert aid.case.reference in page
    assert hidden.reference not in page
    coordinator_page = client_for(aid.coordinator).get(reverse("aid:dashboard")).content.decode()
    assert hidden.reference in coordinator_page


def test_removing_a_member_closes_the_case_to_them_at_once(aid):
    member = aid.case.members.get(user=aid.lawyer)
    response = client_for(aid.coordinator).post(
        reverse("aid:members", args=[aid.case.id]), {"remove": member.id}
    )
    assert response.status_code == 302
    assert client_for(aid.lawyer).get(detail(aid.case.id)).status_code == 404


def test_a_coordinator_adds_a_lawyer_who_then_opens_the_case(aid):
    client_for(aid.coordinator).post(
        reverse("aid:members", args=[aid.case.id]), {"user": aid.stranger.id, "role": "lawyer"}
    )
    assert client_for(aid.stranger).get(detail(aid.case.id)).status_code == 200


def test_members_cannot_change_the_team(aid):
    response = client_for(aid.lawyer).post(
        reverse("aid:members", args=[aid.case.id]), {"user": aid.stranger.id, "role": "lawyer"}
    )
    assert response.status_code == 404
    assert not aid.case.members.filter(user=aid.stranger).exists()
