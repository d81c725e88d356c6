"""A documenter reviews a pair in a browser with JavaScript off (Tor Browser "Safest" mode)."""

import pytest

from khronika.linkage.models import PersonLink
from khronika.linkage.tests.factories import link_in
from khronika.records.reference import load_reference_data
from khronika.testing.browser import chromium, screenshot_path, signed_in_page
from khronika.testing.factories import CompartmentFactory, PersonFactory, UserFactory, place


@pytest.mark.browser
def test_a_documenter_reviews_a_pair_without_javascript(live_server, transactional_db):
    load_reference_data()
    hotline = CompartmentFactory(name="Hotline")
    user = UserFactory(username="browser-reviewer", role="documenter", compartments=[hotline])
    left = PersonFactory(
        compartment=hotline,
        given_name="Матвей",
        family_name="Щербаков",
        birth_date="1990",
        region=place("RU-DA"),
    )
    right = PersonFactory(compartment=hotline, given_name="Matvey", family_name="Shcherbakov")
    link = link_in(hotline, left, right, probability=0.54)

    with chromium() as browser:
        page, requests = signed_in_page(browser, live_server.url, user)

        page.goto(f"{live_server.url}/linkage/review/")
        assert page.locator("h2", has_text="Are these the same person?").count() == 1
        assert "Shcherbakov" not in page.content()
        page.screenshot(path=screenshot_path("linkage-review-nojs"), full_page=True)

        page.click("button[value=same]")
        page.wait_for_url(f"{live_server.url}/linkage/review/")
        assert "are now recorded as one person" in page.content()
        assert PersonLink.objects.get(pk=link.pk).state == PersonLink.State.CONFIRMED

        page.goto(f"{live_server.url}/records/people/{left.pk}/")
        assert page.locator(f"text={right.pseudonym}").count() == 1
        page.screenshot(path=screenshot_path("linkage-also-recorded-as-nojs"), full_page=True)

        assert requests and all(url.startswith(live_server.url) for url in requests)
