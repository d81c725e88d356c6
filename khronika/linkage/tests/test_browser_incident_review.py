"""A documenter reviews two reports of one detention in a browser with JavaScript off, in Russian."""

from datetime import date

import pytest

from khronika.linkage.models import IncidentLink
from khronika.linkage.tests.factories import incident_link_in, report
from khronika.records.reference import load_reference_data
from khronika.testing.browser import chromium, screenshot_path, signed_in_page
from khronika.testing.factories import CompartmentFactory, PersonFactory, UserFactory


@pytest.mark.browser
def test_a_documenter_merges_two_reports_of_one_incident_without_javascript(live_server, transactional_db):
    load_reference_data()
    hotline = CompartmentFactory(name="Hotline")
    user = UserFactory(username="browser-incident-reviewer", role="documenter", compartments=[hotline])
    victim = PersonFactory(compartment=hotline, given_name="Тимур", family_name="Синтетиков")
    title = "Задержание у кафе (синтетическое)"
    from_victim = report(hotline, date(2025, 11, 14), victim=victim, source="victim", title=title)
    from_lawyer = report(hotline, date(2025, 11, 1), precision="month", victim=victim, source="lawyer")
    link = incident_link_in(hotline, from_victim, from_lawyer, probability=0.81)

    with chromium() as browser:
        page, requests = signed_in_page(browser, live_server.url, user)
        page.select_option("#language-select", "ru")
        page.click("text=Switch")

        page.goto(f"{live_server.url}/linkage/incidents/review/")
        assert page.locator("h2", has_text="Это сообщения об одном и том же инциденте?").count() == 1
        assert title not in page.content()  # pseudonymized until a reveal
        page.screenshot(path=screenshot_path("linkage-incident-review-ru-nojs"), full_page=True)

        page.click("button[value=same]")
        page.wait_for_url(f"{live_server.url}/linkage/incidents/review/")
        assert IncidentLink.objects.get(pk=link.pk).state == IncidentLink.State.CONFIRMED

        page.goto(f"{live_server.url}/records/incidents/{from_victim.pk}/")
        assert page.locator(f"text={from_lawyer.reference}").count() >= 1
        page.screenshot(path=screenshot_path("linkage-incident-also-recorded-ru-nojs"), full_page=True)

        assert requests and all(url.startswith(live_server.url) for url in requests)
