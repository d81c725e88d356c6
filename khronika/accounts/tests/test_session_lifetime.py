"""Idle and absolute session expiry (threat model 2: a seized laptop with a browser open)."""

import time

from django.urls import reverse

from khronika.accounts.middleware import LAST_SEEN_KEY, LOGIN_AT_KEY

URL = reverse("records:incident_list")


def age_session(client, **offsets):
    session = client.session
    for key, seconds in offsets.items():
        session[key] = time.time() - seconds
    session.save()


def test_an_idle_session_ends(client, team, settings):
    client.force_login(team.documenter)
    assert client.get(URL).status_code == 200
    age_session(client, **{LAST_SEEN_KEY: settings.SESSION_IDLE_SECONDS + 5})
    assert client.get(URL).status_code == 302


def test_an_active_session_ends_after_its_absolute_lifetime(client, team, settings):
    client.force_login(team.documenter)
    client.get(URL)
    age_session(client, **{LOGIN_AT_KEY: settings.SESSION_COOKIE_AGE + 5, LAST_SEEN_KEY: 10})
    assert client.get(URL).status_code == 302


def test_a_recently_used_session_stays(client, team):
    client.force_login(team.documenter)
    client.get(URL)
    age_session(client, **{LAST_SEEN_KEY: 120})
    assert client.get(URL).status_code == 200
