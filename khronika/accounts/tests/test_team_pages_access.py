"""Every team page is for MANAGE_USERS only: anyone else gets the 404 of a page that does not exist."""

import pytest
from django.urls import reverse

from khronika.accounts.models import StaffSession
from khronika.ledger.models import LedgerEntry


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("team_list", "get"),
        ("team_edit", "get"),
        ("team_edit", "post"),
        ("team_end_sessions", "post"),
        ("team_exposure", "get"),
        ("team_revoke", "post"),
    ],
)
def test_documenters_analysts_and_outsiders_get_404(client, team, name, method):
    StaffSession.objects.create(user=team.analyst, session_key="k" * 32)
    args = [] if name == "team_list" else [team.analyst.pk]
    url = reverse(f"accounts:{name}", args=args)
    for user in (team.documenter, team.analyst, team.outsider):
        client.force_login(user)
        response = getattr(client, method)(url, {"role": "admin", "is_active": "on"})
        assert response.status_code == 404
    team.analyst.refresh_from_db()
    assert team.analyst.is_active and team.analyst.role == "analyst"
    assert StaffSession.objects.filter(user=team.analyst).exists()
    assert not LedgerEntry.objects.exclude(action="login").exists()
