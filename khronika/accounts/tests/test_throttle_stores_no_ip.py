"""Threat model 4: throttling works without storing an IP address, a user agent or a username."""

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from khronika.accounts.models import LoginThrottle

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
ADDRESS = "203.0.113.77"


def test_the_throttle_table_has_no_field_for_an_address_or_a_name():
    names = {field.name for field in LoginThrottle._meta.get_fields()}
    assert names == {"id", "key", "failures", "window_started_at", "locked_until", "lock_seconds"}
    assert not any(word in name for name in names for word in ("ip", "addr", "agent", "user", "host"))


def test_failed_logins_leave_no_address_or_username_anywhere_in_the_database(client, team):
    for _ in range(7):
        client.post(
            LOGIN,
            {"username": "secret-guess-name", "password": "wrong"},
            REMOTE_ADDR=ADDRESS,
            HTTP_USER_AGENT="Agent/1.0 (synthetic)",
            HTTP_X_FORWARDED_FOR=ADDRESS,
        )
    assert LoginThrottle.objects.exists()
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608  # table names from the models
            text = repr(cursor.fetchall())
            assert ADDRESS not in text, table
            assert "secret-guess-name" not in text, table
            assert "Agent/1.0" not in text, table
