"""Setting up an authenticator app (TOTP) and the recovery codes that go with it.

Threat model 2: a password alone must not open an account. A new authenticator stays unconfirmed, and
cannot be used to log in, until its owner types a code it shows: that proves the secret reached the
app. Confirming replaces any older authenticator and issues ten single-use recovery codes, shown once.

A decoy (duress) session goes through the same screens, but its secret lives only in the session and
nothing is saved: the watcher must not be able to change the real account's second factor.

Secrets and recovery codes are stored encrypted by the vault (``khronika.accounts.otp_devices``), never
in django_otp's clear-text ``TOTPDevice`` and ``StaticToken`` tables; enrolling removes any such
legacy rows of the user.
"""

from __future__ import annotations

import io
from base64 import b32encode
from binascii import unhexlify

import segno
from django.db import transaction
from django.http import HttpRequest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from khronika.accounts.duress import is_decoy_session
from khronika.accounts.models import User
from khronika.accounts.otp_devices import RecoveryCodes, VaultTOTPDevice
from khronika.ledger.services import record

RECOVERY_CODES = 10
DEVICE_NAME = "authenticator"
PENDING_NAME = "authenticator (not confirmed)"
DECOY_PENDING_KEY = "khronika_pending_totp"


def start(request: HttpRequest) -> str:
    """Begin setting up an authenticator for the request's user; returns the secret key (hex)."""
    user = _user(request)
    if is_decoy_session(request):
        key = str(default_key())
        request.session[DECOY_PENDING_KEY] = key
        return key
    return str(start_for(user).key)


def start_for(user: User) -> VaultTOTPDevice:
    """An unconfirmed authenticator for ``user``, replacing any earlier unconfirmed one."""
    with transaction.atomic():
        VaultTOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device: VaultTOTPDevice = VaultTOTPDevice.objects.create(
            user=user, name=PENDING_NAME, confirmed=False
        )
        return device


def pending_key(request: HttpRequest) -> str | None:
    """The secret (hex) of the authenticator being set up, if any."""
    if is_decoy_session(request):
        key: str | None = request.session.get(DECOY_PENDING_KEY)
        return key
    device = VaultTOTPDevice.objects.filter(user=_user(request), confirmed=False).order_by("-id").first()
    return str(device.key) if device else None


def confirm(request: HttpRequest, code: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from the app; returns the new recovery codes,
    or None when the code is not right (or nothing is pending)."""
    user = _user(request)
    if is_decoy_session(request):
        key = request.session.get(DECOY_PENDING_KEY)
        if key is None or not _code_is_right(key, code):
            return None
        del request.session[DECOY_PENDING_KEY]
        return _unsaved_codes()
    device = VaultTOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        return None
    return confirm_device(device, code, actor=user)


def confirm_device(device: VaultTOTPDevice, code: str, actor: User | None) -> list[str] | None:
    """Confirm ``device`` if ``code`` is right: it replaces the user's other authenticators, gets
    fresh recovery codes, and the ledger records ``totp_enrol``. ``actor`` None means the CLI."""
    if not device.verify_token(normalize_code(code)):
        return None
    with transaction.atomic():
        VaultTOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        TOTPDevice.objects.filter(user=device.user).delete()  # a legacy secret, stored in clear
        device.confirmed, device.name = True, DEVICE_NAME
        device.save(update_fields=["confirmed", "name"])
        codes = _replace_recovery_codes(device.user)
        record(actor, "totp_enrol", device)
    return codes


def new_recovery_codes(request: HttpRequest) -> list[str]:
    """Replace the user's recovery codes (the old ones stop working); a decoy session only pretends."""
    user = _user(request)
    if is_decoy_session(request):
        return _unsaved_codes()
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        record(user, "recovery_codes", user)
    return codes


def has_authenticator(user: User) -> bool:
    return bool(VaultTOTPDevice.objects.filter(user=user, confirmed=True).exists())


def normalize_code(code: str) -> str:
    """What people type: spaces, dashes, capitals. Recovery codes are stored in lower case."""
    return "".join(code.split()).replace("-", "").lower()


def secret_for_typing(key: str) -> str:
    """The secret in base32, in groups of four, for apps without a camera."""
    text = b32encode(unhexlify(key)).decode("ascii")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def otpauth_uri(user: User, key: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return str(VaultTOTPDevice(user=user, key=key).config_url)


def qr_svg(uri: str) -> str:
    """The QR code as SVG markup, made on the server: no script, no request to another site, and
    presentation attributes only (no style attributes), which the strict CSP allows."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(
        buffer, kind="svg", scale=5, border=3, dark="#000", light="#fff", xmldecl=False, svgclass="qr"
    )
    return buffer.getvalue().decode("ascii")


def qr_terminal(uri: str) -> str:
    """The QR code drawn with block characters, for the operator's terminal."""
    buffer = io.StringIO()
    segno.make(uri, error="m").terminal(out=buffer, compact=True, border=2)
    return buffer.getvalue()


def format_recovery_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()  # legacy codes, stored in clear
    RecoveryCodes.objects.filter(user=user).delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    RecoveryCodes.objects.create(user=user, name="recovery codes", confirmed=True, codes="\n".join(codes))
    return [format_recovery_code(code) for code in codes]


def _unsaved_codes() -> list[str]:
    """Recovery codes for a decoy session: shown like real ones, never stored, never usable."""
    return [format_recovery_code(StaticToken.random_token()) for _ in range(RECOVERY_CODES)]


def _code_is_right(key: str, code: str) -> bool:
    try:
        token = int(normalize_code(code))
    except ValueError:
        return False
    return bool(TOTP(unhexlify(key)).verify(token, tolerance=1))


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user
