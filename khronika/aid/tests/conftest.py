"""Aid test fixtures: a coordinator of the home compartment, a lawyer and a psychologist on a case,
an evacuation volunteer, and a lawyer who is on no case (the outsider who must get nothing)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from khronika.accounts.models import User
from khronika.accounts.roles import Role
from khronika.aid.models import Case, CaseMember
from khronika.aid.tests.factories import CaseFactory
from khronika.testing.factories import PersonFactory, UserFactory


@dataclass
class AidTeam:
    case: Case
    coordinator: User
    lawyer: User
    psychologist: User
    evacuation: User
    stranger: User  # a lawyer on no case: must learn nothing


@pytest.fixture
def aid(team):
    case = CaseFactory(compartment=team.home)
    case.persons.add(PersonFactory(compartment=team.home))
    people = {}
    for role in (Role.LAWYER, Role.PSYCHOLOGIST, Role.EVACUATION):
        people[role] = UserFactory(username=f"aid-{role}", role=role)
        CaseMember.objects.create(case=case, user=people[role], role=str(role))
    return AidTeam(
        case=case,
        coordinator=UserFactory(username="aid-coordinator", role=Role.COORDINATOR, compartments=[team.home]),
        lawyer=people[Role.LAWYER],
        psychologist=people[Role.PSYCHOLOGIST],
        evacuation=people[Role.EVACUATION],
        stranger=UserFactory(username="aid-stranger", role=Role.LAWYER),
    )


def client_for(user):
    client = Client()
    client.force_login(user)
    return client
