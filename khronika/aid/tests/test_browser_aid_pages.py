"""A lawyer on a case reads the aid dashboard and the case page with JavaScript off (Tor Browser's
"Safest" mode): the unverified-client warning, the tasks and the detention timeline are all there."""

from datetime import timedelta

import pytest
from django.utils import timezone

from khronika.accounts.otp_devices import VaultTOTPDevice as TOTPDevice
from khronika.aid.models import CaseMember
from khronika.aid.tests.factories import CaseFactory, DetentionEventFactory, InterventionFactory, TaskFactory
from khronika.records.reference import load_reference_data
from khronika.testing.browser import chromium, log_in, screenshot_path
from khronika.testing.factories import (
    CompartmentFactory,
    PersonFactory,
    UserFactory,
    place,
    term,
)


@pytest.fixture
def lawyer_on_a_case(transactional_db):
    load_reference_data()
    compartment = CompartmentFactory(name="Legal")
    lawyer = UserFactory(username="browser-lawyer", role="lawyer")
    device = TOTPDevice.objects.create(user=lawyer, name="phone", confirmed=True)
    case = CaseFactory(
        compartment=compartment, risk_level="high", summary="Synthetic: detained after a staged date"
    )
    CaseMember.objects.create(case=case, user=lawyer, role="lawyer")
    held, missing = PersonFactory(compartment=compartment), PersonFactory(compartment=compartment)
    case.persons.add(held, missing)
    now = timezone.now()
    DetentionEventFactory(
        case=case, person=held, kind="detained", occurred_at=now - timedelta(days=2), place=place("RU-CE")
    )
    DetentionEventFactory(case=case, person=held, kind="lawyer_denied", occurred_at=now - timedelta(days=1))
    DetentionEventFactory(
        case=case, person=missing, kind="whereabouts_unknown", occurred_at=now - timedelta(hours=30)
    )
    InterventionFactory(case=case, intervention_type=term("intervention_type", "shelter"))
    TaskFactory(
        case=case,
        title="Synthetic appeal window closes",
        kind="appeal_window",
        due_on=timezone.localdate() + timedelta(days=3),
    )
    return lawyer, device, case, held, missing


@pytest.mark.browser
def test_a_lawyer_reads_the_dashboard_and_the_case_page_without_javascript(live_server, lawyer_on_a_case):
    lawyer, device, case, held, missing = lawyer_on_a_case
    with chromium() as browser:
        page = browser.new_page(java_script_enabled=False, locale="en-GB")
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        log_in(page, live_server.url, lawyer, device)
        page.wait_for_load_state()

        page.goto(f"{live_server.url}/aid/")
        assert page.locator("h1").inner_text() == "Aid cases"
        content = page.content()
        assert case.reference in content and "Synthetic appeal window closes" in content
        assert held.pseudonym in content and missing.pseudonym in content
        assert "unverified client" in content
        page.screenshot(path=screenshot_path("aid-dashboard-nojs"), full_page=True)

        page.click(f"text={case.reference} >> nth=0")
        page.wait_for_url(f"{live_server.url}/aid/cases/{case.id}/")
        assert "Unverified client." in page.content()
        assert "lawyer access denied" in page.content()
        page.screenshot(path=screenshot_path("aid-case-nojs"), full_page=True)

        page.click("text=Mark done")
        page.wait_for_url(f"{live_server.url}/aid/cases/{case.id}/")
        assert "Marked as done." in page.content()
        assert requests and all(url.startswith(live_server.url) for url in requests)
