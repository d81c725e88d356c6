"""The team list: accounts with role, compartments, active flag and live sessions."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from khronika.accounts.models import StaffSession
from khronika.accounts.roles import Role
from khronika.testing.factories import UserFactory


def session(user, key, expires_in):
    Session.objects.create(session_key=key, session_data="", expire_date=timezone.now() + expires_in)
    StaffSession.objects.create(user=user, session_key=key)


def test_it_lists_accounts_with_role_compartments_and_open_sessions(client, team):
    coordinator = UserFactory(username="coord", role=Role.COORDINATOR, compartments=[team.home])
    session(team.documenter, "a" * 32, timedelta(hours=1))
    session(team.documenter, "b" * 32, timedelta(hours=1))
    session(team.documenter, "c" * 32, -timedelta(hours=1))  # expired: cannot be used any more
    client.force_login(coordinator)

    response = client.get(reverse("accounts:team_list"))

    assert response.status_code == 200
    rows = {row["account"].username: row for row in response.context["accounts"]}
    assert set(rows) == {"coord", "doc", "analyst", "outsider"}
    assert rows["doc"]["sessions"] == 2
    assert rows["analyst"]["sessions"] == 0
    assert "Elsewhere" in response.text and "Analyst" in response.text


def test_coordinators_are_not_offered_to_change_administrators(client, team):
    coordinator = UserFactory(username="coord", role=Role.COORDINATOR)
    admin = UserFactory(username="root", role=Role.ADMIN)
    client.force_login(coordinator)
    response = client.get(reverse("accounts:team_list"))
    assert f'href="{reverse("accounts:team_edit", args=[admin.pk])}"' not in response.text
    assert f'href="{reverse("accounts:team_edit", args=[team.documenter.pk])}"' in response.text
