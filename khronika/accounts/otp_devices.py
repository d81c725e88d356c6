"""Second-factor devices whose secrets are kept in the vault (issue 5: TOTP secrets go in the vault).

django_otp's own ``TOTPDevice`` stores the authenticator's secret in clear hex, and ``StaticToken``
stores recovery codes in clear: a copy of the database (a seized disk, a backup) would hand an attacker
every staff member's second factor, leaving only the password hashes to crack. These models keep both
as vault-encrypted fields (threat model 1), on rows that carry their own data key (``VaultRecord``).

django_otp finds devices through every installed model that subclasses ``Device``
(``django_otp.devices_for_user`` / ``match_token``), so login needs no change: these are found like
its own. The TOTP arithmetic is django_otp's own (its ``TOTPDevice`` methods, reused unchanged), so
the codes accepted are exactly those it would accept.
"""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key, key_validator

from khronika.vault.fields import SensitiveCharField, SensitiveTextField, VaultRecord


class VaultDeviceManager(models.Manager[Any]):
    """django_otp's ``DeviceManager`` (which django_otp calls on every device model), typed."""

    def devices_for_user(self, user: Any, confirmed: bool | None = None) -> models.QuerySet[Any]:
        devices = self.filter(user=user)
        return devices if confirmed is None else devices.filter(confirmed=bool(confirmed))


class VaultTOTPDevice(VaultRecord, TimestampMixin, ThrottlingMixin, Device):  # type: ignore[misc]  # django_otp is untyped
    """An authenticator app (TOTP), its shared secret encrypted by the vault.

    The same fields and behaviour as django_otp's ``TOTPDevice``; only ``key`` differs: a sensitive
    field, so the database holds ciphertext bound to this row. Checking a code needs an unsealed vault,
    which staff logins need anyway (a sealed instance answers every staff page with 503).
    """

    key = SensitiveCharField(
        max_length=80, validators=[key_validator], default=default_key, help_text="Hex-encoded secret."
    )
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    objects = VaultDeviceManager()

    class Meta(Device.Meta):  # type: ignore[misc]  # django_otp is untyped
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    # django_otp's TOTP behaviour, unchanged: token check (with replay protection and throttling),
    # the otpauth:// address, the binary key.
    bin_key = TOTPDevice.bin_key
    verify_token = TOTPDevice.verify_token
    get_throttle_factor = TOTPDevice.get_throttle_factor
    config_url = TOTPDevice.config_url
    _read_str_from_settings = TOTPDevice._read_str_from_settings


class RecoveryCodes(VaultRecord, ThrottlingMixin, Device):  # type: ignore[misc]  # django_otp is untyped
    """A user's remaining single-use recovery codes, one per line, encrypted by the vault.

    Why not hashes: the codes are short (40 bits, to be typed from paper), so an unkeyed hash in a
    stolen database would be guessed quickly; a keyed one needs a key the vault holds anyway. Why one
    row per user rather than per code: one data key, one decryption per login attempt, and a used code
    disappears from the ciphertext at the next save.
    """

    codes = SensitiveTextField(blank=True, default="")

    objects = VaultDeviceManager()

    class Meta(Device.Meta):  # type: ignore[misc]  # django_otp is untyped
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def get_throttle_factor(self) -> Any:
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def remaining(self) -> list[str]:
        return str(self.codes or "").split()

    def verify_token(self, token: Any) -> bool:
        """True and the code is used up if ``token`` is one of the remaining codes; throttled like
        django_otp's recovery codes. Every code is compared in constant time."""
        allowed, _details = self.verify_is_allowed()
        if not allowed:
            return False
        token = str(token)
        remaining = self.remaining()
        match = None
        for code in remaining:
            if hmac.compare_digest(code.encode(), token.encode()):
                match = code
        if match is None:
            self.throttle_increment()
            return False
        remaining.remove(match)
        self.codes = "\n".join(remaining)
        self.throttle_reset(commit=False)
        self.save()
        return True
