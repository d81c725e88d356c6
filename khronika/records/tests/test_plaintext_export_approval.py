"""A clear-text export needs --plaintext and a request approved by a second coordinator, used once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from khronika.accounts.roles import Role
from khronika.ledger.models import LedgerEntry
from khronika.records.exchange.encryption import MAGIC
from khronika.records.models import PlaintextExportApproval
from khronika.testing.factories import IncidentFactory, UserFactory


@pytest.fixture
def coordinators(team):
    first = UserFactory(username="coord-a", role=Role.COORDINATOR, compartments=[team.home])
    second = UserFactory(username="coord-b", role=Role.COORDINATOR, compartments=[team.home])
    IncidentFactory(compartment=team.home, title="Synthetic plain export")
    return first, second


def _request(client, user) -> PlaintextExportApproval:
    client.force_login(user)
    response = client.post(reverse("records:export_approvals"), {"reason": "synthetic audit"})
    assert response.status_code == 302
    return PlaintextExportApproval.objects.get(requested_by=user)


def _approve(client, user, approval: PlaintextExportApproval):
    client.force_login(user)
    return client.post(reverse("records:export_approval_approve", args=[approval.id]), follow=True)


def test_it_refuses_a_plaintext_export_without_an_approval(coordinators, tmp_path: Path) -> None:
    out = tmp_path / "plain.jsonl"
    with pytest.raises(CommandError, match="second coordinator"):
        call_command("export", str(out), "--plaintext")
    assert not out.exists()


def test_it_refuses_an_approval_given_by_the_requester_himself(client, coordinators, tmp_path: Path) -> None:
    first, _ = coordinators
    approval = _request(client, first)
    response = _approve(client, first, approval)
    assert "another coordinator has to approve it" in response.content.decode()
    approval.refresh_from_db()
    assert approval.approved_by is None
    out = tmp_path / "plain.jsonl"
    with pytest.raises(CommandError, match="not been approved by a second coordinator"):
        call_command("export", str(out), "--plaintext", "--approval", str(approval.id))
    assert not out.exists()


def test_it_allows_one_plaintext_export_with_a_second_coordinators_approval(
    client, coordinators, tmp_path: Path
) -> None:
    first, second = coordinators
    approval = _request(client, first)
    _approve(client, second, approval)
    approval.refresh_from_db()
    assert approval.approved_by == second

    out = tmp_path / "plain.jsonl"
    call_command("export", str(out), "--plaintext", "--approval", str(approval.id))
    content = out.read_bytes()
    assert not content.startswith(MAGIC)
    assert b"Synthetic plain export" in content

    again = tmp_path / "again.jsonl"
    with pytest.raises(CommandError, match="already used"):
        call_command("export", str(again), "--plaintext", "--approval", str(approval.id))
    assert not again.exists()

    actions = list(LedgerEntry.objects.order_by("seq").values_list("action", "object_id"))
    for step in ("request_plaintext_export", "approve_plaintext_export", "use_plaintext_export_approval"):
        assert (step, str(approval.id)) in actions
    assert ("export", f"plaintext:{approval.id}") in actions


def test_it_refuses_an_expired_approval(client, coordinators, tmp_path: Path) -> None:
    first, second = coordinators
    approval = _request(client, first)
    _approve(client, second, approval)
    PlaintextExportApproval.objects.filter(pk=approval.pk).update(
        requested_at=approval.requested_at - timedelta(days=2)
    )
    with pytest.raises(CommandError, match="expired"):
        call_command("export", str(tmp_path / "plain.jsonl"), "--plaintext", "--approval", str(approval.id))


def test_the_approval_pages_are_for_coordinators_only(client, team, coordinators) -> None:
    client.force_login(team.analyst)
    assert client.get(reverse("records:export_approvals")).status_code == 404
    approval = _request(client, coordinators[1])
    client.force_login(coordinators[0])
    page = client.get(reverse("records:export_approvals"))
    assert page.status_code == 200
    assert reverse("records:export_approval_approve", args=[approval.id]).encode() in page.content
    assert b"synthetic audit" in page.content
    client.force_login(team.analyst)
    refused = client.post(reverse("records:export_approval_approve", args=[approval.id]))
    assert refused.status_code == 404
    approval.refresh_from_db()
    assert approval.approved_by is None
