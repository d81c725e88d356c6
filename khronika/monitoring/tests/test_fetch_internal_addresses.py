"""Staff can make the server fetch an address (/monitoring/sources/): it must not fetch its own or an
internal network's, or an account could read services only the server reaches (fetching.check_address)."""

import socket

import pytest

from khronika.monitoring import fetching
from khronika.monitoring.fetching import FetchError, check_address, fetch

INTERNAL = "Addresses of this server or of an internal network cannot be fetched."


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/admin/",
        "http://10.1.2.3/feed.xml",
        "https://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://localhost:5432/",
        "http://Intranet.LOCALHOST./",
    ],
)
def test_it_refuses_this_machine_and_internal_networks(url):
    with pytest.raises(FetchError, match=INTERNAL):
        check_address(url)


def test_it_refuses_a_name_that_resolves_to_an_internal_address(monkeypatch):
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda host, port: [(socket.AF_INET, 1, 6, "", ("10.0.0.7", 0))]
    )

    with pytest.raises(FetchError, match=INTERNAL):
        check_address("https://wiki.example.org/")


def test_a_public_address_passes(monkeypatch):
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda host, port: [(socket.AF_INET, 1, 6, "", ("93.184.216.34", 0))]
    )

    check_address("https://news.example.org/feed")


def test_with_a_proxy_names_are_not_looked_up_by_the_server(monkeypatch, settings):
    """Threat: a DNS lookup from the server tells its resolver which sites we read; the proxy
    (socks5h) resolves names itself. Literal internal addresses are still refused."""
    settings.KHRONIKA_MONITOR_PROXY = "socks5h://127.0.0.1:9050"

    def no_lookup(*args):
        raise AssertionError("the server looked a name up itself")

    monkeypatch.setattr(socket, "getaddrinfo", no_lookup)

    check_address("http://synthetic-news.onion/feed")
    with pytest.raises(FetchError, match=INTERNAL):
        check_address("http://172.16.0.5/")


def test_a_redirect_to_an_internal_address_is_not_followed(site, monkeypatch):
    base, content = site
    content.redirects["/start"] = "/internal/secret"
    content.pages["/internal/secret"] = (b"internal", "text/plain")
    real_check = fetching.check_address

    def check(url):
        if "/internal/" in url:  # the local test server stands for a public site with an internal neighbour
            raise FetchError(INTERNAL)
        real_check(url)

    monkeypatch.setattr(fetching, "check_address", check)

    with pytest.raises(FetchError, match=INTERNAL):
        fetch(f"{base}/start")
    assert content.requests == ["/start"]


def test_redirects_to_allowed_addresses_are_followed(site):
    base, content = site
    content.redirects["/old"] = f"{base}/new"
    content.pages["/new"] = (b"moved here", "text/plain; charset=utf-8")

    fetched = fetch(f"{base}/old")

    assert (fetched.url, fetched.body) == (f"{base}/new", b"moved here")


def test_endless_redirects_end_with_a_plain_error(site):
    base, content = site
    content.redirects["/loop"] = "/loop"

    with pytest.raises(FetchError, match="too many times"):
        fetch(f"{base}/loop")
    assert len(content.requests) == fetching.MAX_REDIRECTS + 1
