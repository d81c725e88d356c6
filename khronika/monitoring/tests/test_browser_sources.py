"""With JavaScript off: a documenter goes from the review queue to the sources page, uploads a Telegram
export, and reads the import report with the messages that could not be imported."""

from __future__ import annotations

import pytest

from khronika.accounts.otp_devices import VaultTOTPDevice as TOTPDevice
from khronika.monitoring.models import Article
from khronika.monitoring.tests.importing import DATA
from khronika.records.reference import load_reference_data
from khronika.testing.browser import chromium, log_in, screenshot_path
from khronika.testing.factories import CompartmentFactory, UserFactory


@pytest.mark.browser
def test_a_telegram_export_is_imported_from_the_sources_page_without_javascript(
    live_server, transactional_db, extractor
):
    load_reference_data()
    compartment = CompartmentFactory(name="Monitoring")
    user = UserFactory(username="browser-importer", role="documenter", compartments=[compartment])
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    with chromium() as browser:
        page = browser.new_context(java_script_enabled=False, locale="en-GB").new_page()
        log_in(page, live_server.url, user, device)
        page.click("nav >> text=Open sources")
        page.click("text=Sources: imports and feeds")
        page.set_input_files("#id_import-file", str(DATA / "telegram-export.json"))
        page.screenshot(path=screenshot_path("monitoring-sources-nojs"), full_page=True)
        page.click("form[action$='/sources/import/'] button[type=submit]")
        assert page.locator("h1").inner_text() == "Import report"
        assert "The message date cannot be read." in page.content()
        page.screenshot(path=screenshot_path("monitoring-import-report-nojs"), full_page=True)

    assert Article.objects.filter(compartment=compartment).count() == 2
