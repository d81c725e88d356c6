"""Reports never recorded as incidents are crypto-shredded after the retention period (issue 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from khronika.intake import services
from khronika.intake.models import Submission
from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import IncidentFactory


def _aged(days: int, **changes):
    submission, _ = services.submit({"what_happened": "synthetic"}, [], language="en", urgent=False)
    Submission.objects.filter(pk=submission.pk).update(
        received_hour=timezone.now() - timedelta(days=days), **changes
    )
    return submission


@pytest.mark.django_db
def test_old_unconverted_reports_are_shredded_and_recent_or_recorded_ones_kept(team):
    old = _aged(91)
    spam = _aged(120, status=Submission.Status.SPAM)
    recent = _aged(10)
    recorded = _aged(
        200, status=Submission.Status.CONVERTED, converted_incident=IncidentFactory(compartment=team.home)
    )
    assert services.shred_expired(timedelta(days=90)) == 2
    remaining = set(Submission.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk, recorded.pk}
    assert old.pk not in remaining and spam.pk not in remaining
    assert LedgerEntry.objects.filter(action="intake.expire").count() == 2


@pytest.mark.django_db
def test_the_command_uses_the_configured_period(settings, capsys):
    settings.INTAKE_RETENTION_DAYS = 30
    _aged(31)
    kept = _aged(29)
    call_command("intake", "expire")
    assert list(Submission.objects.values_list("pk", flat=True)) == [kept.pk]
    assert "1" in capsys.readouterr().out
