"""The public dashboard: published figures only, in both languages, no cookies, no scripts."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from khronika.publishing.services import approve_release, request_release
from khronika.publishing.tests.conftest import counts_request


def test_it_says_nothing_is_published_when_nothing_is(db):
    response = Client().get(reverse("figures:dashboard", args=["en"]))
    assert response.status_code == 200
    assert "Nothing has been published yet" in response.content.decode()


def test_a_pending_release_is_not_shown(coordinators, make_acts):
    make_acts(20, region="RU-CE")
    request_release(coordinators[0], counts_request(epsilon=1.0))
    body = Client().get(reverse("figures:dashboard", args=["en"])).content.decode()
    assert "Nothing has been published yet" in body and "tile-map" not in body


def test_published_figures_show_with_map_and_timeline_without_cookies_or_scripts(
    coordinators, make_acts, generous_budget
):
    make_acts(20, region="RU-CE")
    release = request_release(coordinators[0], counts_request(epsilon=generous_budget))
    approve_release(release.id, coordinators[1])
    for language in ("en", "ru"):
        response = Client().get(reverse("figures:dashboard", args=[language]))
        body = response.content.decode()
        assert response.status_code == 200
        assert 'class="tile-map"' in body and 'class="timeline"' in body
        assert 'data-code="RU-CE"' in body
        assert "<script" not in body and " style=" not in body
        assert not response.cookies, "a public page must not set a cookie"
        assert f'<html lang="{language}">' in body


def test_an_unknown_language_or_release_is_a_404(db):
    assert Client().get(reverse("figures:dashboard", args=["de"])).status_code == 404
    assert Client().get(reverse("figures:dashboard", args=["en"]) + "?release=nope").status_code == 404
