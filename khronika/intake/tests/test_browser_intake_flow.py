"""With JavaScript off (Tor Browser "Safest"): a source reports with a photo, gets a phrase; staff
answer; the source comes back with the phrase and reads the answer. In English and in Russian.

Also proves the public pages' promises in a real browser: every request goes to our own origin, and
the browser holds no cookie for the site afterwards.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from PIL import Image

from khronika.accounts.otp_devices import VaultTOTPDevice as TOTPDevice
from khronika.intake.models import Submission
from khronika.intake.services import open_as_staff
from khronika.records.reference import load_reference_data
from khronika.testing.browser import chromium, log_in, screenshot_path
from khronika.testing.factories import CompartmentFactory, UserFactory

TEXT = {
    "en": {
        "send": "Send",
        "reply": "Send reply",
        "back": "Open",
        "what": "Synthetic browser report: detained after a date",
    },
    "ru": {
        "send": "Отправить",
        "reply": "Send reply",
        "back": "Открыть",
        "what": "Синтетическое сообщение: задержали после свидания",
    },
}


def _photo_with_gps(path) -> None:
    image = Image.new("RGB", (64, 48), "teal")
    exif = Image.Exif()
    exif[0x010F] = "SyntheticCam"  # Make
    gps = {1: "N", 2: (43.0, 1.0, 2.0), 3: "E", 4: (47.0, 3.0, 4.0)}
    exif[0x8825] = gps
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    path.write_bytes(buffer.getvalue())


@pytest.fixture
def coordinator_with_totp(transactional_db):
    load_reference_data()
    user = UserFactory(
        username="browser-coord", role="coordinator", compartments=[CompartmentFactory(name="Hotline")]
    )
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user, device


def _same_origin(requests: list[str], origin: str) -> None:
    foreign = [url for url in requests if f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" != origin]
    assert not foreign, f"requests to another origin: {foreign}"


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "ru"])
def test_report_reply_and_return_without_javascript(live_server, coordinator_with_totp, tmp_path, language):
    user, device = coordinator_with_totp
    text = TEXT[language]
    photo = tmp_path / "photo.jpg"
    _photo_with_gps(photo)
    origin = live_server.url
    with chromium() as browser:
        source = browser.new_context(java_script_enabled=False, locale="en-US")
        page = source.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(f"{origin}/report/{language}/")
        page.fill("#id_what_happened", text["what"])
        page.locator("details", has=page.locator("input[value='staged-date']")).locator("summary").click()
        page.check("input[value='staged-date']")
        page.fill("#id_when_roughly", "2025")
        page.set_input_files("#id_attachments", str(photo))
        page.screenshot(path=screenshot_path(f"intake-report-form-{language}"), full_page=True)
        page.click(f"button[type=submit]:has-text('{text['send']}')")
        phrase = page.locator("p.phrase").inner_text().split()
        assert len(phrase) == 7
        assert "photo.jpg" in page.content()
        page.screenshot(path=screenshot_path(f"intake-receipt-{language}"), full_page=True)
        assert source.cookies() == []

        submission = Submission.objects.get()
        opened = open_as_staff(submission)
        attachment = submission.attachments.get()
        with Image.open(io.BytesIO(opened.file_content(attachment))) as stored:
            assert 0x8825 not in stored.getexif(), "the GPS data was stored"

        staff = browser.new_context(java_script_enabled=False, locale="en-GB")
        staff_page = staff.new_page()
        log_in(staff_page, origin, user, device)
        staff_page.goto(f"{origin}/inbox/")
        staff_page.click(f"text={text['what'][:20]}")
        staff_page.fill("#id_text", "Synthetic staff answer: we will call a lawyer")
        staff_page.click(f"text={text['reply']}")
        assert "Synthetic staff answer" in staff_page.content()
        staff_page.screenshot(path=screenshot_path(f"intake-staff-submission-{language}"), full_page=True)

        returning = browser.new_context(java_script_enabled=False, locale="en-US")
        back = returning.new_page()
        back.on("request", lambda request: requests.append(request.url))
        back.goto(f"{origin}/report/{language}/return/")
        back.fill("#id_phrase", " ".join(phrase))
        back.click(f"button[type=submit]:has-text('{text['back']}')")
        assert "Synthetic staff answer: we will call a lawyer" in back.content()
        back.fill("#id_text", "Synthetic answer from the source")
        back.click(f"button[type=submit]:has-text('{text['send']}')")
        assert "Synthetic answer from the source" in back.content()
        back.screenshot(path=screenshot_path(f"intake-conversation-{language}"), full_page=True)
        assert returning.cookies() == []
        _same_origin(requests, origin)


@pytest.mark.browser
def test_past_the_flood_cap_a_browser_with_javascript_pays_and_gets_through(
    live_server, settings, transactional_db
):
    """The optional proof of work, end to end: same form, same cap; JavaScript on solves the puzzle."""
    load_reference_data()
    settings.INTAKE_MAX_SUBMISSIONS_PER_MINUTE = 1
    settings.INTAKE_POW_BITS = 12
    with chromium() as browser:
        outcomes = {}
        for javascript in (False, False, True):
            page = browser.new_context(java_script_enabled=javascript).new_page()
            page.goto(f"{live_server.url}/report/en/")
            page.fill("#id_what_happened", "Synthetic flood test")
            page.click("button[type=submit]:has-text('Send')")
            page.wait_for_load_state()
            outcomes.setdefault(javascript, []).append(page.locator("p.phrase").count() == 1)
    assert outcomes == {False: [True, False], True: [True]}
    assert Submission.objects.count() == 2


@pytest.mark.browser
def test_every_public_page_loads_only_from_our_own_origin(live_server, transactional_db):
    """Every GET page of the public URL patterns, in both languages, JavaScript on (so that scripts
    and whatever they might fetch load too): no request leaves our origin, and no cookie is set."""
    from django.urls import reverse

    from khronika.intake.urls import public_urlpatterns

    load_reference_data()
    paths = set()
    for pattern in public_urlpatterns:
        if pattern.name == "send_message":  # POST only
            continue
        arguments = [["en"], ["ru"]] if "language" in str(pattern.pattern) else [[]]
        paths.update(reverse(f"intake:{pattern.name}", args=args) for args in arguments)
    assert len(paths) >= 7
    with chromium() as browser:
        context = browser.new_context(java_script_enabled=True)
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        for path in sorted(paths):
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
        assert context.cookies() == []
    _same_origin(requests, live_server.url)
    assert any(url.endswith("/static/intake/proof-of-work.js") for url in requests)
