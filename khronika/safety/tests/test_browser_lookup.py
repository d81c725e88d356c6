"""The private lookup in a real browser. With JavaScript on, the server never receives the identifier or
its full hash (read from the network log), and every bucket answer has the same size. With JavaScript
off, the form posts and the answer comes from the server, after the page said so."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import pytest

from khronika.safety import lookup, services
from khronika.safety.normalize import lookup_identifier
from khronika.safety.tests.factories import ACCOUNT, PHONE, confirmed
from khronika.testing.browser import chromium, screenshot_path

LOOKALIKE = "t.me/Synth\u0435tic_Lure"  # with a Cyrillic е: found all the same


def _full_hashes(*identifiers: str) -> list[str]:
    key = services.own_key()
    return [lookup.lookup_hash(i, bytes.fromhex(key.key), key.iterations) for i in identifiers]


def _check(page, kind: str, identifier: str, platform: str = "") -> str:
    """Run one check on the page; the id of the result shown."""
    page.check(f"input[name=kind][value={kind}]")
    if platform:
        page.select_option("#id_platform", platform)
    page.fill("#id_identifier", identifier)
    page.click("button[type=submit]")
    page.wait_for_selector("#result-found:not([hidden]), #result-clean:not([hidden])")
    return "result-found" if page.is_visible("#result-found") else "result-clean"


@pytest.mark.browser
def test_with_javascript_the_server_sees_only_a_prefix_and_answers_in_constant_size(live_server: Any) -> None:
    confirmed(PHONE)
    confirmed(ACCOUNT)
    secrets = _full_hashes(
        lookup_identifier("phone", "+79005550123"),
        lookup_identifier("account", "synthetic_lure", "telegram"),
        lookup_identifier("phone", "+79005550124"),
    )
    sent: list[str] = []
    sizes: list[int] = []
    with chromium() as browser:
        context = browser.new_context(locale="en-US")
        page = context.new_page()
        page.on(
            "request",
            lambda request: sent.append(unquote(f"{request.method} {request.url} {request.post_data or ''}")),
        )

        def on_response(response):
            if "/warnings/range/" in response.url:
                sizes.append(len(response.body()))

        page.on("response", on_response)
        page.goto(f"{live_server.url}/warnings/en/check/")
        assert page.is_visible("#private-note")
        assert _check(page, "phone", "8 (900) 555-01-23") == "result-found"
        page.screenshot(path=str(screenshot_path("safety-lookup-found")), full_page=True)
        assert _check(page, "account", LOOKALIKE, platform="telegram") == "result-found"
        assert _check(page, "phone", "+7 900 555-01-24") == "result-clean"
        page.screenshot(path=str(screenshot_path("safety-lookup-clean")), full_page=True)
        context.close()

    log = "\n".join(sent)
    assert not [line for line in sent if line.startswith("POST")], "the identifier must never be posted"
    for secret in ("5550123", "5550124", "555-01", "ynthetic", "ynthеtic", "Lure"):
        assert secret not in log, f"{secret!r} reached the server"
    for digest in secrets:
        assert digest[lookup.PREFIX_HEX :] not in log and digest[: lookup.PREFIX_HEX + 1] not in log
    asked = [line for line in sent if "/warnings/range/" in line]
    assert len(asked) == 3 and len(sizes) == 3
    assert len(set(sizes)) == 1 and sizes[0] <= 16 * 1024, f"answer sizes differ: {sizes}"


@pytest.mark.browser
def test_without_javascript_the_page_warns_and_the_server_answers(live_server):
    confirmed(PHONE)
    with chromium() as browser:
        context = browser.new_context(java_script_enabled=False, locale="en-US")
        page = context.new_page()
        page.goto(f"{live_server.url}/warnings/en/check/")
        assert "will be sent to our server" in page.inner_text("body")
        page.check("input[name=kind][value=phone]")
        page.fill("#id_identifier", "+7 900 555-01-23")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert page.is_visible("#result-found")
        page.screenshot(path=str(screenshot_path("safety-lookup-no-javascript")), full_page=True)
        assert context.cookies() == []
        context.close()
