"""Deployment checks with Khronika's own IDs, shown by ``khronika check --deploy``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_khronika_deployment(app_configs: Any, **kwargs: Any) -> list[Warning]:
    warnings: list[Warning] = []
    if settings.DEMO_MODE:
        warnings.append(
            Warning(
                "The demo mode is on: staff logins are printed and two-factor login is off.",
                hint="Unset KHRONIKA_DEMO on a server.",
                id="khronika.W001",
            )
        )
    if not settings.COOKIES_SECURE:
        warnings.append(
            Warning(
                "Cookies are sent over plain HTTP.",
                hint="Set KHRONIKA_SECURE_COOKIES=true and serve through HTTPS or an onion service.",
                id="khronika.W002",
            )
        )
    if not settings.REQUIRE_TWO_FACTOR:
        warnings.append(
            Warning(
                "Staff can log in without a second factor.",
                hint="Set KHRONIKA_REQUIRE_2FA=true.",
                id="khronika.W003",
            )
        )
    if settings.DEBUG:
        warnings.append(Warning("DEBUG is on.", hint="Unset KHRONIKA_DEBUG.", id="khronika.W004"))
    return warnings
