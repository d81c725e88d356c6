"""With JavaScript off: a documenter finds a candidate in the queue, reads the article with the
extracted words marked beside the fields, and records it through the pre-filled incident form."""

from __future__ import annotations

import pytest

from khronika.accounts.otp_devices import VaultTOTPDevice as TOTPDevice
from khronika.monitoring.models import Candidate
from khronika.monitoring.tests.importing import make_candidate
from khronika.records.models import Incident, Information
from khronika.records.reference import load_reference_data
from khronika.testing.browser import chromium, log_in, screenshot_path
from khronika.testing.factories import CompartmentFactory, UserFactory

TEXT = (
    "Сотрудники полиции задержали в Махачкале двух мужчин после проверки их телефонов. "
    "Один из них, Anvar (имя изменено), рассказал синтетической правозащитной группе, что их "
    "продержали в отделе двое суток."
)


@pytest.mark.browser
def test_a_candidate_is_reviewed_and_recorded_without_javascript(live_server, transactional_db):
    load_reference_data()
    compartment = CompartmentFactory(name="Monitoring")
    user = UserFactory(username="browser-doc", role="documenter", compartments=[compartment])
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    candidate = make_candidate(compartment, text=TEXT)
    with chromium() as browser:
        page = browser.new_context(java_script_enabled=False, locale="en-GB").new_page()
        log_in(page, live_server.url, user, device)
        page.click("nav >> text=Open sources")
        page.click("text=Задержания в Махачкале")
        assert page.locator("mark.extract-region").first.inner_text() == "Махачкал"
        page.screenshot(path=screenshot_path("monitoring-candidate-nojs"), full_page=True)
        page.click("text=Record as a new incident")
        assert page.input_value("#id_incident-date") == "2025-11"
        page.screenshot(path=screenshot_path("monitoring-accept-form-nojs"), full_page=True)
        page.click("button[type=submit].primary")
        assert "was saved" in page.content()

    incident = Incident.objects.get()
    assert Candidate.objects.get(pk=candidate.pk).incident_id == incident.id
    assert Information.objects.get(incident=incident).source.url == str(candidate.article.url)
