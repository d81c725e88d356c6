"""A documenter logs in with TOTP, records an incident on one screen, finds it, and reads it in Russian.

Run with JavaScript on and off: every page must work in Tor Browser's "Safest" mode.
"""

import pytest

from khronika.records.models import Incident
from khronika.records.reference import load_reference_data
from khronika.testing.browser import chromium, screenshot_path, signed_in_page
from khronika.testing.factories import CompartmentFactory, UserFactory, term


@pytest.fixture
def documenter(transactional_db):
    load_reference_data()
    user = UserFactory(
        username="browser-doc", role="documenter", compartments=[CompartmentFactory(name="Hotline")]
    )
    return user


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_documenter_records_finds_and_reads_an_incident_in_russian(live_server, documenter, javascript):
    user = documenter
    act_type, source_type = term("act_type"), term("source_type")
    with chromium() as browser:
        page, requests = signed_in_page(browser, live_server.url, user, javascript=javascript)

        page.click("text=New incident")
        page.fill("#id_incident-title", "Staged date in Makhachkala")
        page.fill("#id_incident-date", "2025-11-03")
        page.select_option("#id_incident-place", "RU-DA:makhachkala")
        page.select_option("#id_acts-0-act_type", act_type.code)
        page.fill("#id_acts-0-victim_given_name", "Синтетический")
        page.fill("#id_acts-0-victim_family_name", "Пострадавший")
        page.select_option("#id_source-source_type", source_type.code)
        page.fill("#id_source-source_name", "Synthetic hotline call")
        page.click("text=Save incident")

        incident = Incident.objects.get()
        page.wait_for_url(f"{live_server.url}/records/incidents/{incident.id}/")
        assert page.locator("h1").inner_text().startswith(incident.reference)
        assert "Makhachkala" in page.content()
        page.screenshot(
            path=screenshot_path(f"incident-page-{'js' if javascript else 'nojs'}"), full_page=True
        )

        page.goto(f"{live_server.url}/records/incidents/")
        page.fill("#id_q", "staged makhachkala")
        page.click("text=Find")
        assert page.locator(f"text={incident.reference}").count() == 1

        page.select_option("#language-select", "ru")
        page.click("text=Switch")
        assert page.locator("h1").inner_text() == "Инциденты"
        page.goto(f"{live_server.url}/records/incidents/{incident.id}/")
        assert "Махачкала" in page.content()
        assert "Нарушения" in page.content()
        page.screenshot(
            path=screenshot_path(f"incident-page-ru-{'js' if javascript else 'nojs'}"), full_page=True
        )

        assert requests and all(url.startswith(live_server.url) for url in requests)
