"""Playwright driving Debian's chromium (never a downloaded browser)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Without these flags chromium tries to reach Google's hosts at every start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        raise RuntimeError("Debian's chromium is missing: run scripts/install-system-packages")
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls the tests make
    # between page actions are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def screenshot_path(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"


def log_in(page: Page, base_url: str, user: Any, device: Any) -> None:
    """Sign ``user`` in through the staff login form, with a fresh code from ``device`` (their confirmed
    TOTP device): every staff page sits behind the password and the second factor."""
    from django_otp.oath import totp

    from khronika.testing.factories import TEST_PASSWORD

    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.fill("#id_otp_token", f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}")
    page.click("button[type=submit].primary")


def signed_in_page(
    browser: Browser,
    base_url: str,
    user: Any,
    *,
    javascript: bool = False,
    landing: str = "/records/incidents/",
) -> tuple[Page, list[str]]:
    """A page signed in as ``user`` (given a confirmed TOTP device here) at ``landing``, and the list
    every URL it requests is added to (tests check that none leaves the server): where every staff
    browser test starts. JavaScript is off unless asked for, as in Tor Browser's "Safest" mode."""
    from khronika.accounts.otp_devices import VaultTOTPDevice

    device = VaultTOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page = browser.new_page(java_script_enabled=javascript, locale="en-GB")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    log_in(page, base_url, user, device)
    page.wait_for_url(f"{base_url}{landing}")
    return page, requests
