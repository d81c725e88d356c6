"""A reader opens the public figures with JavaScript off (Tor Browser "Safest"): the map and the
timeline are drawn, no cookie is left, nothing loads from another host, and the strict CSP holds."""

from __future__ import annotations

from datetime import date

import pytest

from khronika.accounts.roles import Role
from khronika.publishing.services import approve_release, request_release
from khronika.publishing.tests.conftest import counts_request
from khronika.records.models import Consent
from khronika.records.reference import load_reference_data
from khronika.testing.browser import chromium, screenshot_path
from khronika.testing.factories import (
    ActFactory,
    CompartmentFactory,
    ConsentFactory,
    IncidentFactory,
    UserFactory,
    place,
    term,
)


@pytest.fixture
def published(transactional_db, settings):
    settings.PUBLISHING_PRIVACY_BUDGET, settings.PUBLISHING_MAX_EPSILON = 100.0, 6.0
    load_reference_data()
    compartment = CompartmentFactory(name="Figures")
    first, second = (
        UserFactory(username=f"browser-coord-{n}", role=Role.COORDINATOR, compartments=[compartment])
        for n in (1, 2)
    )
    for region, n in (("RU-CE", 25), ("RU-DA", 12)):
        for _ in range(n):
            incident = IncidentFactory(
                compartment=compartment,
                date_start=date(2025, 2, 1),
                date_end=date(2025, 2, 1),
                place=place(region),
            )
            act = ActFactory(incident=incident, act_type=term("act_type", "deprivation-of-liberty"))
            ConsentFactory(person=act.victim, scope=Consent.Scope.PUBLICATION)
    release = request_release(first, counts_request(epsilon=6.0))
    approve_release(release.id, second)


@pytest.mark.browser
def test_a_reader_sees_the_map_and_timeline_without_javascript(live_server, published):
    with chromium() as browser:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        requests: list[str] = []
        violations: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.on(
            "console",
            lambda message: violations.append(message.text) if "Content Security" in message.text else None,
        )
        page.goto(f"{live_server.url}/figures/en/")
        tile_map = page.locator("svg.tile-map")
        box = tile_map.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 200
        assert page.locator("svg.timeline rect").count() >= 2
        assert page.locator('svg.tile-map g[data-code="RU-CE"] text').nth(1).text_content() != "–"
        page.screenshot(path=screenshot_path("publishing-figures-en-nojs"), full_page=True)
        page.goto(f"{live_server.url}/figures/ru/")
        assert page.locator("svg.tile-map").count() == 1
        assert context.cookies() == []
        assert requests and all(url.startswith(live_server.url) for url in requests)
        assert violations == []
        context.close()
