"""Fetching feeds and pages: through the configured proxy, with a size cap, a timeout and a charset.

Threat: a site we poll learns who polls it. With ``KHRONIKA_MONITOR_PROXY`` set (for example Tor's
``socks5h://127.0.0.1:9050``; the ``h`` makes the proxy resolve names, so DNS does not leak either)
every request goes through it; left empty, requests go out directly from the server (docs/monitoring.md).
Threat: a hostile server sends gigabytes or trickles bytes for ever: the body is read in chunks and
refused past ``KHRONIKA_MONITOR_MAX_BYTES``; every read has ``KHRONIKA_MONITOR_TIMEOUT_SECONDS`` and
the whole body twice that.
Threat: an account (an informant, a hijacked login) types an internal address into the sources page
(/monitoring/sources/) to read a service that only the server can reach: ``check_address`` refuses
loopback, private, link-local and other non-public addresses at every redirect, unless
``KHRONIKA_MONITOR_ALLOW_INTERNAL`` is set.
"""

from __future__ import annotations

import codecs
import ipaddress
import re
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from charset_normalizer import from_bytes
from django.conf import settings
from django.utils.translation import gettext as _

# A browser's, so that sites do not single out (or block) this client; it names nothing about us.
USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0"
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)
MAX_REDIRECTS = 5
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""")


class FetchError(Exception):
    """A plain-words reason why an address or file could not be read."""


@dataclass(frozen=True)
class Fetched:
    url: str
    body: bytes
    charset: str  # from the Content-Type header; "" when not given


def proxies() -> dict[str, str]:
    proxy = settings.KHRONIKA_MONITOR_PROXY
    return {"http": proxy, "https": proxy} if proxy else {}


def check_address(url: str) -> None:
    """Refuse ``url`` when its host is this machine or an internal network (see the module docstring).

    With a proxy the name is not resolved here: the proxy resolves it (``socks5h``), and a lookup from
    the server would tell its resolver which sites we read. Then only literal addresses and
    ``localhost`` are refused; Tor itself does not connect to private addresses. A name that resolves
    differently between this check and the connection (DNS rebinding) is not caught: docs/monitoring.md.
    """
    if settings.KHRONIKA_MONITOR_ALLOW_INTERNAL:
        return
    try:
        host = (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        host = ""
    if not host:
        raise FetchError(_("The address has no site name in it."))
    internal = FetchError(_("Addresses of this server or of an internal network cannot be fetched."))
    if host == "localhost" or host.endswith(".localhost"):
        raise internal
    addresses = [host]
    if not settings.KHRONIKA_MONITOR_PROXY:
        try:
            addresses = [str(info[4][0]) for info in socket.getaddrinfo(host, None)]
        except (OSError, UnicodeError):
            raise FetchError(_("No site is known under this address.")) from None
    for address in addresses:
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            continue  # a name, left to the proxy
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if not ip.is_global or ip.is_multicast:
            raise internal


def fetch(url: str) -> Fetched:
    """GET ``url`` through the proxy; the body, capped at the size limit. Redirects are followed
    here, not by requests, so that every address on the way is checked (``check_address``)."""
    limit = settings.KHRONIKA_MONITOR_MAX_BYTES
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            if not re.match(r"^https?://", url, flags=re.IGNORECASE):
                raise FetchError(_("Only http:// and https:// addresses can be fetched."))
            check_address(url)
            with requests.get(
                url,
                stream=True,
                allow_redirects=False,
                timeout=settings.KHRONIKA_MONITOR_TIMEOUT_SECONDS,
                proxies=proxies(),
                headers={"User-Agent": USER_AGENT},
            ) as response:
                if response.is_redirect:
                    url = urljoin(response.url, response.headers["Location"])
                    continue
                return _body(response, limit)
        raise FetchError(_("The address sends the reader on to other addresses too many times."))
    except requests.Timeout:
        raise FetchError(_("The server took too long to answer.")) from None
    except requests.RequestException:
        # The exception's text can quote the address and the proxy: our own words only.
        raise FetchError(
            _("The address could not be reached (no connection, or the proxy refused).")
        ) from None


def _body(response: requests.Response, limit: int) -> Fetched:
    """The answer's body, read in chunks and cut off at ``limit`` bytes and at the deadline."""
    if response.status_code != 200:
        raise FetchError(
            _("The server answered with status %(status)s instead of the page.")
            % {"status": response.status_code}
        )
    chunks, size = [], 0
    # The timeout bounds each read; this bounds the whole body (a server trickling a byte a
    # second). read1 returns what has arrived, so the clock is looked at between arrivals.
    deadline = time.monotonic() + 2 * settings.KHRONIKA_MONITOR_TIMEOUT_SECONDS
    while chunk := response.raw.read1(64 * 1024, decode_content=True):
        size += len(chunk)
        if size > limit:
            raise FetchError(too_big(limit))
        if time.monotonic() > deadline:
            raise requests.Timeout
        chunks.append(chunk)
    return Fetched(response.url, b"".join(chunks), _header_charset(response.headers))


def read_file(path: str) -> bytes:
    """A local file's bytes, refused past the size limit before anything is read."""
    limit = settings.KHRONIKA_MONITOR_MAX_BYTES
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError:
        raise FetchError(_("The file could not be opened.")) from None
    if len(data) > limit:
        raise FetchError(too_big(limit))
    return data


def too_big(limit: int) -> str:
    size = f"{limit / 1024 / 1024:g} MB" if limit >= 1024 * 1024 else f"{limit / 1024:g} KB"
    return _("It is larger than the limit of %(size)s (KHRONIKA_MONITOR_MAX_BYTES).") % {"size": size}


def _header_charset(headers: object) -> str:
    content_type = str(getattr(headers, "get", lambda *_: "")("Content-Type", "") or "")
    match = re.search(r"charset=([\w.:-]+)", content_type, flags=re.IGNORECASE)
    return match.group(1) if match else ""


def declares_encoding(body: bytes) -> bool:
    """Whether ``body`` is XML that names its own encoding, or starts with a byte-order mark."""
    return body.startswith(codecs.BOM_UTF8) or bool(_XML_ENCODING.search(body[:4096]))


def _known(charset: str) -> str | None:
    try:
        return codecs.lookup(charset.decode("ascii") if isinstance(charset, bytes) else charset).name
    except (LookupError, UnicodeDecodeError):
        return None


def decode(body: bytes, declared: str = "") -> str:
    """Text from bytes: the byte-order mark, the declared charset (header, XML declaration or
    ``<meta charset>``), UTF-8, and only then detection, because Russian sites still serve
    windows-1251 and KOI8-R, often without saying so or saying it wrongly."""
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", errors="replace")
    head = body[:4096]
    candidates = [declared]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        match = pattern.search(head)
        if match:
            candidates.append(match.group(1).decode("ascii"))
    candidates.append("utf-8")
    for candidate in candidates:
        name = _known(candidate) if candidate else None
        if name:
            try:
                return body.decode(name)
            except UnicodeDecodeError:
                continue
    best = from_bytes(body[:200_000]).best()
    if best is None:
        raise FetchError(_("The text is in an encoding that could not be recognised."))
    return body.decode(best.encoding, errors="replace")
