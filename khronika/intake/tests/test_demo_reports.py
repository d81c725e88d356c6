"""The demo's inbox is lived-in: sealed synthetic reports, one urgent, one answered, one spam."""

from __future__ import annotations

import pytest

from khronika.intake.demo import create_demo_reports
from khronika.intake.models import Message, Submission
from khronika.intake.services import open_as_staff


@pytest.mark.django_db
def test_demo_reports_are_created_once_and_sealed(coordinator):
    assert create_demo_reports() == 3
    assert create_demo_reports() == 0
    assert Submission.objects.filter(urgent=True).count() == 1
    assert Submission.objects.filter(status=Submission.Status.SPAM).count() == 1
    assert Message.objects.filter(sender=Message.Sender.STAFF).count() == 1
    for submission in Submission.objects.all():
        assert b"Synthetic" not in bytes(submission.answers)
        assert open_as_staff(submission).answers()["what_happened"].startswith(("Synthetic", "Синтетический"))
