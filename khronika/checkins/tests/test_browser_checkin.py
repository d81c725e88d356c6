"""With JavaScript off (Tor Browser "Safest"): a person sets a check-in, reads the two codes, and
later types the duress code under a captor's eyes. The screen says "closed" exactly as for a cancel,
the browser keeps no cookie, every request stays on our origin, and the contacts get the alert."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from khronika.checkins.tests.conftest import SYNTHETIC_EMAIL, SYNTHETIC_MESSAGE
from khronika.testing.browser import chromium, screenshot_path
from khronika.worker.jobs import run_due


@pytest.mark.browser
def test_set_a_checkin_and_use_the_duress_code_without_javascript(live_server, transactional_db, smtp):
    origin = live_server.url
    with chromium() as browser:
        context = browser.new_context(java_script_enabled=False, locale="en-US")
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))

        page.goto(f"{origin}/check-in/en/")
        page.fill("#id_minutes", "45")
        page.fill("#id_contacts", SYNTHETIC_EMAIL)
        page.fill("#id_message", SYNTHETIC_MESSAGE)
        with page.expect_navigation():
            page.click("button:has-text('Set the check-in')")
        page.screenshot(path=screenshot_path("checkins-codes"), full_page=True)
        cancel_code, duress_code = page.locator("p.phrase").all_inner_texts()
        assert cancel_code != duress_code

        page.fill("#id_code", duress_code)
        with page.expect_navigation():
            page.click("button:has-text('Close the check-in')")
        page.screenshot(path=screenshot_path("checkins-after-duress-code"), full_page=True)
        after_duress = page.locator("main").inner_html()
        assert "Your check-in is closed" in after_duress
        assert page.url == f"{origin}/check-in/en/code/"  # no code and no id in the address
        assert context.cookies() == []

        # The same screen as a real cancel of another check-in.
        page.goto(f"{origin}/check-in/en/")
        page.fill("#id_minutes", "45")
        page.fill("#id_contacts", SYNTHETIC_EMAIL)
        page.fill("#id_message", SYNTHETIC_MESSAGE)
        with page.expect_navigation():
            page.click("button:has-text('Set the check-in')")
        other_cancel = page.locator("p.phrase").all_inner_texts()[0]
        page.fill("#id_code", other_cancel)
        with page.expect_navigation():
            page.click("button:has-text('Close the check-in')")
        assert page.locator("main").inner_html() == after_duress
        context.close()

    foreign = [url for url in requests if f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" != origin]
    assert not foreign, f"requests to another origin: {foreign}"
    run_due()
    [message] = smtp.messages
    assert "duress" in message["Subject"]
    assert message.get_payload().strip() == SYNTHETIC_MESSAGE
