"""Staff set a check-in for a client; the codes are shown once, and the ledger names the staff member."""

from __future__ import annotations

from khronika.accounts.roles import Role
from khronika.checkins.models import CheckIn
from khronika.ledger.models import LedgerEntry
from khronika.ledger.services import actor_id
from khronika.testing.factories import UserFactory


def test_a_lawyer_sets_a_checkin_for_a_client(client, team):
    lawyer = UserFactory(username="lawyer", role=Role.LAWYER, compartments=[team.home])
    client.force_login(lawyer)
    response = client.post(
        "/checkins/new/",
        {
            "minutes": "60",
            "contacts": "synthetic.relative@example.org",
            "message": "Synthetic.",
            "language": "ru",
        },
    )
    assert response.status_code == 200
    assert response.content.decode().count('class="phrase" lang="ru"') == 2
    checkin = CheckIn.objects.get()
    assert checkin.language == "ru"
    entry = LedgerEntry.objects.get(action="create", object_id=str(checkin.pk))
    assert entry.actor == actor_id(lawyer)


def test_a_role_without_case_work_gets_a_404(client, team):
    client.force_login(team.documenter)
    assert client.get("/checkins/new/").status_code == 404
    assert client.post("/checkins/new/", {"minutes": "60"}).status_code == 404
    assert not CheckIn.objects.exists()
