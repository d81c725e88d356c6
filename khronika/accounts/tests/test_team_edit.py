"""Changing a colleague's role and compartments, each change ledgered with opaque ids."""

import pytest
from django.urls import reverse

from khronika.accounts.models import StaffSession
from khronika.accounts.roles import Role
from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import UserFactory


@pytest.fixture
def coordinator(team):
    return UserFactory(username="coord", role=Role.COORDINATOR, compartments=[team.home])


def edit(client, account, **data):
    return client.post(reverse("accounts:team_edit", args=[account.pk]), data)


def test_it_changes_role_and_compartments_and_ledgers_each_change(client, team, coordinator):
    client.force_login(coordinator)
    response = edit(
        client, team.analyst, role=Role.DOCUMENTER, compartments=[team.elsewhere.pk], is_active="on"
    )
    assert response.status_code == 302
    team.analyst.refresh_from_db()
    assert team.analyst.role == Role.DOCUMENTER
    assert list(team.analyst.compartments.all()) == [team.elsewhere]
    entries = set(LedgerEntry.objects.values_list("actor", "action", "object_type", "object_id"))
    who = f"user:{coordinator.pk}"
    assert entries == {
        (who, "role_change", "accounts.user", str(team.analyst.pk)),
        (who, "access_grant", "accounts.membership", f"{team.analyst.pk}:{team.elsewhere.pk}"),
        (who, "access_revoke", "accounts.membership", f"{team.analyst.pk}:{team.home.pk}"),
    }


def test_saving_without_changes_writes_nothing(client, team, coordinator):
    client.force_login(coordinator)
    edit(client, team.analyst, role=Role.ANALYST, compartments=[team.home.pk], is_active="on")
    assert not LedgerEntry.objects.exists()


def test_switching_an_account_off_ends_its_sessions(client, team, coordinator):
    StaffSession.objects.create(user=team.analyst, session_key="s" * 32)
    client.force_login(coordinator)
    edit(client, team.analyst, role=Role.ANALYST, compartments=[team.home.pk])
    team.analyst.refresh_from_db()
    assert not team.analyst.is_active
    assert not StaffSession.objects.filter(user=team.analyst).exists()
    assert LedgerEntry.objects.filter(action="deactivate", object_id=str(team.analyst.pk)).exists()


def test_a_coordinator_cannot_make_an_administrator(client, team, coordinator):
    client.force_login(coordinator)
    response = edit(client, team.analyst, role=Role.ADMIN, compartments=[team.home.pk], is_active="on")
    assert response.status_code == 400
    team.analyst.refresh_from_db()
    assert team.analyst.role == Role.ANALYST


def test_a_coordinator_cannot_change_an_administrator(client, team, coordinator):
    admin = UserFactory(username="root", role=Role.ADMIN)
    client.force_login(coordinator)
    assert client.get(reverse("accounts:team_edit", args=[admin.pk])).status_code == 404
    edit(client, admin, role=Role.DOCUMENTER, is_active="on")
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_an_administrator_may_make_an_administrator(client, team):
    admin = UserFactory(username="root", role=Role.ADMIN)
    client.force_login(admin)
    assert edit(client, team.analyst, role=Role.ADMIN, is_active="on").status_code == 302
    team.analyst.refresh_from_db()
    assert team.analyst.role == Role.ADMIN


def test_nobody_changes_his_own_role_or_switches_himself_off(client, team, coordinator):
    client.force_login(coordinator)
    response = edit(client, coordinator, role=Role.DOCUMENTER, compartments=[team.home.pk], is_active="on")
    assert response.status_code == 400
    assert "You cannot change your own role" in response.text
    response = edit(client, coordinator, role=Role.COORDINATOR, compartments=[team.home.pk])
    assert response.status_code == 400
    coordinator.refresh_from_db()
    assert coordinator.role == Role.COORDINATOR and coordinator.is_active
