"""One spelling per account and per phone number, so that every report of it finds the same entry and
every lookup computes the same hash.

Why it matters: a warning is matched by a hash of the normalized identifier (``khronika.safety.lookup``).
"@Ivan_K", "https://t.me/ivan_k" and "ivаn_k" typed with a Cyrillic "а" must become the same string,
or a warned-about account would look clean. The same rules live in ``static/safety/lookup.js`` for the
browser (``tests/test_normalization.py`` holds the two side by side through ``CONFUSABLES``).

Every error is a :class:`NotNormalizable` whose message a non-programmer can act on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Characters that look like Latin letters or digits, mapped to them. Every platform below allows ASCII
# handles only, so a Cyrillic or Greek look-alike can only come from how the reporter typed or copied it
# (a Russian keyboard layout, text recognised from a screenshot): mapping it finds the real account.
# Keep in step with lookup.js (the test compares them).
CONFUSABLES: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "н": "h", "і": "i", "ї": "i",
    "ј": "j", "к": "k", "м": "m", "п": "n", "о": "o", "р": "p", "ԛ": "q", "г": "r", "ѕ": "s", "т": "t",
    "и": "u", "ѵ": "v", "ԝ": "w", "х": "x", "у": "y", "з": "3", "б": "6",
    # Greek
    "α": "a", "β": "b", "ϲ": "c", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ω": "w",
    # Latin letters outside ASCII that NFKC leaves alone
    "ı": "i", "ɡ": "g", "ɑ": "a", "ʏ": "y", "ᴏ": "o",
}  # fmt: skip


class NotNormalizable(ValueError):
    """The identifier cannot be understood; ``str(error)`` says why in plain words."""


@dataclass(frozen=True)
class Platform:
    code: str
    label: str
    min_length: int
    max_length: int
    allowed: str  # a regular-expression character class of what a handle may contain, after folding
    hint: str | Promise


# Lengths and characters as each service enforces them for new handles (2026); shorter handles exist
# on some but are too ambiguous to warn about without a human look.
PLATFORMS: dict[str, Platform] = {
    p.code: p
    for p in (
        Platform("telegram", "Telegram", 5, 32, "a-z0-9_", gettext_lazy("letters, digits and _")),
        Platform("vk", "VK", 3, 32, "a-z0-9_.", gettext_lazy("letters, digits, _ and .")),
        Platform("instagram", "Instagram", 3, 30, "a-z0-9_.", gettext_lazy("letters, digits, _ and .")),
        Platform("tiktok", "TikTok", 3, 24, "a-z0-9_.", gettext_lazy("letters, digits, _ and .")),
        Platform("hornet", "Hornet", 3, 30, "a-z0-9_.-", gettext_lazy("letters, digits, _, . and -")),
        Platform("mamba", "Mamba", 3, 40, "a-z0-9_.-", gettext_lazy("letters, digits, _, . and -")),
        Platform("signal", "Signal", 5, 35, "a-z0-9_.", gettext_lazy("letters, digits, _ and .")),
    )
}
PLATFORM_CHOICES = [(p.code, p.label) for p in PLATFORMS.values()]
# Services whose accounts are phone numbers: report the number instead.
PHONE_PLATFORMS = {"whatsapp", "viber"}
_URL = re.compile(r"^(?:[a-z]+://)?(?:www\.|m\.)?[a-z0-9.-]+\.[a-z]{2,}/", re.IGNORECASE)


def normalize_handle(platform: str, raw: str) -> str:
    """The account's handle on ``platform`` in one spelling: NFKC, look-alikes mapped, case folded,
    no leading @, no profile-link prefix. Raises :class:`NotNormalizable`."""
    code = platform.strip().casefold()
    if code in PHONE_PLATFORMS:
        raise NotNormalizable(
            _("On %(platform)s an account is a phone number: report the phone number instead.")
            % {"platform": code.capitalize()}
        )
    rules = PLATFORMS.get(code)
    if rules is None:
        raise NotNormalizable(
            _("We do not know the platform “%(platform)s”. Choose one from the list.")
            % {"platform": platform}
        )
    text = unicodedata.normalize("NFKC", raw).strip()
    text = _URL.sub("", text).split("?")[0].strip("/")
    text = text.lstrip("@").lower()  # not casefold(): lookup.js has only toLowerCase()
    handle = "".join(CONFUSABLES.get(ch, ch) for ch in text)
    if not handle:
        raise NotNormalizable(_("Write the account's name, for example @name, or paste a link to it."))
    if not re.fullmatch(f"[{rules.allowed}]+", handle):
        raise NotNormalizable(
            _("A %(platform)s name may contain only %(allowed)s; check what you typed.")
            % {"platform": rules.label, "allowed": rules.hint}
        )
    if len(handle) < rules.min_length:
        raise NotNormalizable(
            _("This name is too short for %(platform)s: it needs at least %(count)d characters.")
            % {"platform": rules.label, "count": rules.min_length}
        )
    if len(handle) > rules.max_length:
        raise NotNormalizable(
            _("This name is too long for %(platform)s: it has at most %(count)d characters.")
            % {"platform": rules.label, "count": rules.max_length}
        )
    return handle


def normalize_phone(raw: str, region: str | None = None) -> str:
    """The number in E.164 (``+79001234567``). A number without a country code is read as one of
    ``SAFETY_DEFAULT_REGION`` (Russia unless configured). Raises :class:`NotNormalizable`."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        raise NotNormalizable(_("Write the phone number, with its country code, for example +7."))
    try:
        number = phonenumbers.parse(text, region or settings.SAFETY_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise NotNormalizable(
            _("This does not look like a phone number. Write it with the country code, like +7 900 …")
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise NotNormalizable(
            _("This phone number does not exist in the numbering plan of its country. Check the digits.")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def lookup_identifier(kind: str, normalized: str, platform: str = "") -> str:
    """What the lookup hash is computed over: the kind (and platform) keep a phone number and a handle
    made of the same digits apart. lookup.js builds the same string."""
    if kind == "phone":
        return f"phone:{normalized}"
    return f"account:{platform}:{normalized}"
