"""In a real browser, with JavaScript on and off: log in with a TOTP code, choose a duress password,
set up a new authenticator (QR code, confirmation, recovery codes), then log in with the duress
password and land in the decoy incident list."""

import pytest
from django_otp.oath import totp

from khronika.accounts.duress import decoy_compartment
from khronika.accounts.models import Alert
from khronika.accounts.otp_devices import VaultTOTPDevice as TOTPDevice
from khronika.records.models import Incident
from khronika.records.reference import load_reference_data
from khronika.testing.browser import chromium, screenshot_path
from khronika.testing.factories import TEST_PASSWORD, CompartmentFactory, IncidentFactory, UserFactory

DURESS = "blue heron over the river"


@pytest.fixture
def documenter(transactional_db, settings):
    settings.REQUIRE_TWO_FACTOR = True
    settings.KHRONIKA_DECOY_INCIDENTS = 12
    load_reference_data()
    hotline = CompartmentFactory(name="Hotline")
    user = UserFactory(username="browser-doc", role="documenter", compartments=[hotline])
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    real = IncidentFactory(compartment=hotline, title="Real record of the hotline")
    return user, device, real


def code(device, step=0):
    return f"{totp(device.bin_key, device.step, device.t0 - step * device.step, device.digits):06d}"


def log_in(page, base, user, password, otp):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.fill("#id_otp_token", otp)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/records/incidents/")


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_totp_login_then_duress_login_shows_the_decoy_workspace(live_server, documenter, javascript):
    user, device, real = documenter
    suffix = "js" if javascript else "nojs"
    base = live_server.url
    with chromium() as browser:
        page = browser.new_page(java_script_enabled=javascript, locale="en-GB")
        requests = []
        page.on("request", lambda request: requests.append(request.url))

        log_in(page, base, user, TEST_PASSWORD, code(device))
        assert real.reference in page.content()

        page.click("text=Login security")
        page.click("nav.pages >> text=Duress password")
        page.fill("#id_set-current_password", TEST_PASSWORD)
        page.fill("#id_set-duress_password", DURESS)
        page.fill("#id_set-duress_password_again", DURESS)
        page.click("text=Save duress password")
        assert "Your duress password is saved." in page.content()
        page.screenshot(path=screenshot_path(f"duress-password-{suffix}"), full_page=True)

        page.click("nav.pages >> text=Two-factor login")
        page.fill("#id_start-current_password", TEST_PASSWORD)
        page.click("text=Set up a new authenticator")
        assert page.locator("div.qr svg").count() == 1
        page.screenshot(path=screenshot_path(f"two-factor-setup-{suffix}"), full_page=True)
        new_phone = TOTPDevice.objects.get(user=user, confirmed=False)
        page.fill("#id_confirm-code", code(new_phone))
        page.click("text=Confirm")
        assert page.locator("ul.recovery-codes li").count() == 10
        page.screenshot(path=screenshot_path(f"two-factor-recovery-codes-{suffix}"), full_page=True)
        assert list(TOTPDevice.objects.filter(user=user)) == [new_phone]

        page.click("text=Log out")
        page.wait_for_url(f"{base}/accounts/login/")
        log_in(page, base, user, DURESS, code(new_phone, step=1))
        content = page.content()
        decoys = list(Incident.objects.filter(compartment=decoy_compartment()))
        assert len(decoys) == 12
        assert real.reference not in content
        assert sum(incident.reference in content for incident in decoys) == 12
        page.screenshot(path=screenshot_path(f"duress-decoy-incidents-{suffix}"), full_page=True)

        assert Alert.objects.filter(kind=Alert.Kind.DURESS_LOGIN, subject=user).count() == 1
        assert requests and all(url.startswith(base) for url in requests)
