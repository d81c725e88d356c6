"""Blind indexes: exact lookup and dedup blocking on encrypted fields without decrypting them.

A blind index is HMAC-SHA256 under the blind-index key (its own key, derived apart from the KEK, so
it can be rotated by reindexing without touching ciphertexts) of a *normalized* value, prefixed with
a domain per kind of field. The domain keeps a phone number and a handle that happen to be the same
string from matching each other, and keeps an index computed for one kind useless for another.

Truncated to 16 bytes (32 hex characters): 128 bits keep accidental collisions negligible (birthday
bound ~2^64 values) for exact lookups and dedup blocking, at half the index size of full SHA-256.
We do not truncate further to add deliberate collisions (as CipherSweet does) because lookups here
must be exact and a false match would merge or reveal the wrong person.

What it leaks, accepted: anyone with the database sees which rows share a value within a domain
(e.g. how many persons share a surname), never the value itself without the key, which exists in
memory only after an unseal. Who can compute one: only an unsealed instance.

Normalizers make equivalent spellings equal. They keep the script as written: matching "Иванов"
with "Ivanov" (transliteration), name order and patronymics are the linkage app's job.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from enum import StrEnum

from . import aead

INDEX_BYTES = 16
KEY_BYTES = 32


class Domain(StrEnum):
    """One domain per kind of value; every field holding that kind shares it, so they match."""

    PERSON_NAME = "person-name"
    PHONE = "phone"
    HANDLE = "handle"


def blind_index(key: bytes, domain: str, normalized: str) -> str:
    """Hex HMAC of an already-normalized value in ``domain``. Prefer the ``*_index`` helpers."""
    if len(key) != KEY_BYTES:
        raise ValueError(f"A blind-index key is {KEY_BYTES} bytes.")
    message = aead.associated_data("blind-index", str(domain), normalized)
    return hmac.new(key, message, hashlib.sha256).digest()[:INDEX_BYTES].hex()


def normalize_person_name(raw: str) -> str:
    """Case-folded letters and digits only, ё as е, in the script given: "Ёлкина-Петрова, Анна" and
    "елкинапетрова анна" normalize alike."""
    text = unicodedata.normalize("NFKC", raw).casefold().replace("ё", "е")
    normalized = "".join(ch for ch in text if ch.isalnum())
    if not normalized:
        raise ValueError("This name has no letters to index.")
    return normalized


_PHONE_SEPARATORS = re.compile(r"[\s().\-\u2010-\u2015/]")


def normalize_phone(raw: str) -> str:
    """E.164 (``+`` and digits). Russian habits are understood: 8XXXXXXXXXX and 7XXXXXXXXXX are +7,
    a bare ten-digit 9XXXXXXXXX is a Russian mobile, 00 and 810 are international prefixes.
    Anything else without a country code is refused rather than guessed."""
    compact = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    plus = compact.startswith("+")
    digits = compact[1:] if plus else compact
    if not digits or not digits.isascii() or not digits.isdigit():
        raise ValueError("A phone number may contain only digits, spaces, dashes, brackets and a leading +.")
    if not plus:
        if digits.startswith("00"):
            digits = digits[2:]
        elif digits.startswith("810") and len(digits) > 11:
            digits = digits[3:]
        elif len(digits) == 11 and digits[0] in "78":
            digits = "7" + digits[1:]
        elif len(digits) == 10 and digits[0] == "9":
            digits = "7" + digits
        else:
            raise ValueError("Add the country code (for example +7): without it this number is ambiguous.")
    if not 8 <= len(digits) <= 15 or digits[0] == "0":
        raise ValueError("This is not a valid international phone number (8 to 15 digits after +).")
    if digits[0] == "7" and (len(digits) != 11 or digits[1] == "0"):
        raise ValueError("A +7 number has ten digits after +7, the first of them not 0.")
    if len(set(digits[1:])) == 1:
        raise ValueError("This phone number is a placeholder (all digits the same), not a real number.")
    return "+" + digits


_PLATFORM = re.compile(r"[a-z0-9][a-z0-9._-]{0,31}")


def normalize_handle(platform: str, raw: str) -> str:
    """``platform:handle``, case-folded, without a leading @ or profile URL ("https://t.me/Ivan_K" and
    "@ivan_k" on telegram are the same account). The platform prefix keeps the same name on two
    platforms, which are usually different people, apart."""
    slug = platform.strip().casefold()
    if not _PLATFORM.fullmatch(slug):
        raise ValueError("A platform name is lower-case letters, digits, dots or dashes (e.g. telegram).")
    handle = unicodedata.normalize("NFKC", raw).strip()
    handle = re.sub(r"^[a-z]+://", "", handle, flags=re.IGNORECASE).split("?")[0].rstrip("/")
    if "/" in handle:
        handle = handle.rsplit("/", 1)[1]
    handle = handle.lstrip("@").casefold()
    if not handle or any(ch.isspace() for ch in handle):
        raise ValueError("An account handle is one word, like @name or a profile link.")
    return f"{slug}:{handle}"


def person_name_index(key: bytes, raw: str) -> str:
    return blind_index(key, Domain.PERSON_NAME, normalize_person_name(raw))


def phone_index(key: bytes, raw: str) -> str:
    return blind_index(key, Domain.PHONE, normalize_phone(raw))


def handle_index(key: bytes, platform: str, raw: str) -> str:
    return blind_index(key, Domain.HANDLE, normalize_handle(platform, raw))
