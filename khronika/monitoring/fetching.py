"""Fetching feeds and pages: through the configured proxy, with a size cap, a timeout and a charset.

Threat: a site we poll learns who polls it. With ``KHRONIKA_MONITOR_PROXY`` set (for example Tor's
``socks5h://127.0.0.1:9050``; the ``h`` makes the proxy resolve names, so DNS does not leak either)
every request goes through it; left empty, requests go out directly from the server (docs/monitoring.md).
Threat: a hostile server sends gigabytes or trickles bytes for ever: the body is read in chunks and
refused past ``KHRONIKA_MONITOR_MAX_BYTES``; every read has ``KHRONIKA_MONITOR_TIMEOUT_SECONDS`` and
the whole body twice that.
"""

from __future__ import annotations

import codecs
import re
import time
from dataclasses import dataclass

import requests
from charset_normalizer import from_bytes
from django.conf import settings
from django.utils.translation import gettext as _

# A browser's, so that sites do not single out (or block) this client; it names nothing about us.
USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0"
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)
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


def fetch(url: str) -> Fetched:
    """GET ``url`` through the proxy; the body, capped at the size limit."""
    if not re.match(r"^https?://", url, flags=re.IGNORECASE):
        raise FetchError(_("Only http:// and https:// addresses can be fetched."))
    limit = settings.KHRONIKA_MONITOR_MAX_BYTES
    try:
        with requests.get(
            url,
            stream=True,
            timeout=settings.KHRONIKA_MONITOR_TIMEOUT_SECONDS,
            proxies=proxies(),
            headers={"User-Agent": USER_AGENT},
        ) as response:
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
    except requests.Timeout:
        raise FetchError(_("The server took too long to answer.")) from None
    except requests.RequestException:
        # The exception's text can quote the address and the proxy: our own words only.
        raise FetchError(
            _("The address could not be reached (no connection, or the proxy refused).")
        ) from None


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
