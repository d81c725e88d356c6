"""Reports are throttled across all sources, and nothing stored says who reported."""

from __future__ import annotations

import pytest

from khronika.safety import services
from khronika.safety.models import Channel, Report, ReportCounter
from khronika.safety.services import Refused
from khronika.safety.tests.factories import PHONE
from khronika.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_refuses_reports_past_the_per_minute_limit_in_plain_words(settings):
    settings.SAFETY_MAX_REPORTS_PER_MINUTE = 3
    for n in range(3):
        services.report(PHONE, channel=Channel.INTAKE, origin=f"intake:{n}", actor=None)
    with pytest.raises(Refused, match="Too many reports"):
        services.report(PHONE, channel=Channel.INTAKE, origin="intake:99", actor=None)
    assert Report.objects.count() == 3


def test_the_counter_and_the_report_hold_nothing_about_the_reporter(db):
    user = UserFactory(role="documenter", username="synthetic-reporter")
    services.report(PHONE, channel=Channel.STAFF, origin=f"staff:{user.pk}", actor=user)
    counter = ReportCounter.objects.get()
    assert (counter.name, counter.count) == ("reports", 1)
    report = Report.objects.get()
    assert len(report.origin) == 64 and f"staff:{user.pk}" not in report.origin
    columns = {f.attname for f in Report._meta.concrete_fields}
    assert not columns & {"user_id", "by_id", "ip", "ip_address", "user_agent", "created_at"}
