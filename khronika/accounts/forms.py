"""Login and preference forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, match_token
from django_otp.models import Device

from khronika.accounts.models import User


class LoginForm(forms.Form):
    """Username, password and, where required, the six digits of the authenticator app, on one page.

    One page rather than two steps, so there is never a half-logged-in session to steal, and so the
    error message cannot tell a watcher which of the three was wrong.
    """

    username = forms.CharField(label=_("Username"), max_length=64)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    error_messages = {
        "invalid_login": _("That username, password or code is not right. Please try again."),
        "inactive": _("This account is switched off. Ask a coordinator."),
    }

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        self.device: Device | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        username, password = cleaned.get("username"), cleaned.get("password")
        if not username or not password:
            return cleaned
        user = authenticate(self.request, username=username, password=password)
        if user is None:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        assert isinstance(user, User)
        has_device = any(devices_for_user(user, confirmed=True))
        if has_device or settings.REQUIRE_TWO_FACTOR:
            device = match_token(user, cleaned.get("otp_token") or "") if has_device else None
            if device is None:
                raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
            self.device = device
        self.user = user
        return cleaned


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
