"""Every response carries a strict policy: no other origin, no inline script, no framing, no cache."""

from django.urls import reverse


def test_staff_pages_send_csp_and_are_never_cached(client, team):
    client.force_login(team.documenter)
    response = client.get(reverse("records:incident_list"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_the_login_page_has_no_inline_script_and_loads_nothing_from_elsewhere(client, reference_data):
    html = client.get(reverse("accounts:login")).text
    assert "<script>" not in html and "<script " not in html.replace('<script src="/static/', "")
    assert "http://" not in html and "https://" not in html


def test_session_cookies_are_http_only_and_strict(client, team, settings):
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Strict"
