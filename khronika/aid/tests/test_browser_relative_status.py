"""A relative opens the status page with JavaScript off (Tor Browser "Safest"), in Russian and in English:
the shared update is there, no cookie is left in the browser and nothing loads from another host."""

import pytest

from khronika.aid import relatives
from khronika.aid.tests.factories import CaseFactory
from khronika.records.reference import load_reference_data
from khronika.testing.browser import chromium, screenshot_path
from khronika.testing.factories import CompartmentFactory, PersonFactory, UserFactory


@pytest.fixture
def shared_update(transactional_db, settings):
    settings.INTAKE_PHRASE_KDF = (1, 8)
    load_reference_data()
    compartment = CompartmentFactory(name="Legal")
    coordinator = UserFactory(username="browser-coordinator", role="coordinator", compartments=[compartment])
    case = CaseFactory(compartment=compartment)
    person = PersonFactory(compartment=compartment)
    case.persons.add(person)
    relatives.share(
        coordinator, case, person, "Адвокат видел его сегодня, он здоров", "A lawyer saw him today"
    )
    _, phrase = relatives.give_phrase(coordinator, case, person, "synthetic mother", "ru")
    return phrase


@pytest.mark.browser
def test_a_relative_reads_the_shared_update_without_javascript(live_server, shared_update):
    with chromium() as browser:
        context = browser.new_context(java_script_enabled=False, locale="ru-RU")
        page = context.new_page()
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(f"{live_server.url}/status/ru/")
        page.fill("textarea[name=phrase]", shared_update)
        page.click("button[type=submit].primary")
        page.wait_for_load_state()
        assert "Адвокат видел его сегодня, он здоров" in page.content()
        page.screenshot(path=screenshot_path("aid-relative-status-ru-nojs"), full_page=True)

        page.goto(f"{live_server.url}/status/en/")
        page.fill("textarea[name=phrase]", shared_update)
        page.click("button[type=submit].primary")
        page.wait_for_load_state()
        assert "A lawyer saw him today" in page.content()
        page.screenshot(path=screenshot_path("aid-relative-status-en-nojs"), full_page=True)

        assert context.cookies() == []
        assert requests and all(url.startswith(live_server.url) for url in requests)
        context.close()
