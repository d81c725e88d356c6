"""Login, two-factor, duress password and preference forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, match_token
from django_otp.models import Device

from khronika.accounts.duress import duress_matches, is_decoy_session, password_is_right
from khronika.accounts.models import User
from khronika.accounts.totp import normalize_code


class LoginForm(forms.Form):
    """Username, password and, where required, the six digits of the authenticator app, on one page.

    One page rather than two steps, so there is never a half-logged-in session to steal, and so the
    error message cannot tell a watcher which of the three was wrong.
    """

    username = forms.CharField(label=_("Username"), max_length=64)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=16,
        required=False,
        help_text=_("Or one of your recovery codes."),
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
        self.duress = False
        self.password_checked = False
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        username, password = cleaned.get("username"), cleaned.get("password")
        if not username or not password:
            return cleaned
        self.password_checked = True
        user = authenticate(self.request, username=username, password=password)
        # Threat model 2: the duress hash is checked on every attempt, right or wrong, so that a duress
        # login costs exactly the work of a normal one and cannot be told apart by its timing.
        account = user or User.objects.filter(username=username).first()
        if duress_matches(account, password) and user is None and account is not None and account.is_active:
            user, self.duress = account, True
        if user is None:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        assert isinstance(user, User)
        has_device = any(devices_for_user(user, confirmed=True))
        if has_device or settings.REQUIRE_TWO_FACTOR:
            # match_token tries every confirmed device: the authenticator app and the recovery codes.
            code = normalize_code(cleaned.get("otp_token") or "")
            device = match_token(user, code) if has_device and code else None
            if device is None:
                raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
            self.device = device
        self.user = user
        return cleaned


class CurrentPasswordMixin(forms.Form):
    """Asks for the current password on pages that change how the account logs in, so that someone
    who finds a logged-in browser cannot change them."""

    current_password = forms.CharField(
        label=_("Your current password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        strip=False,
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_current_password(self) -> str:
        password: str = self.cleaned_data["current_password"]
        if not password_is_right(self.request, password):
            raise forms.ValidationError(_("That is not your current password."), code="wrong_password")
        return password


class StartAuthenticatorForm(CurrentPasswordMixin):
    pass


class ConfirmAuthenticatorForm(forms.Form):
    code = forms.CharField(
        label=_("The six digits your app shows now"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class RecoveryCodesForm(CurrentPasswordMixin):
    pass


class DuressPasswordForm(CurrentPasswordMixin):
    """Choose a duress password: it must pass the same rules as a password and differ from the real one."""

    duress_password = forms.CharField(
        label=_("Duress password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    duress_password_again = forms.CharField(
        label=_("Duress password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        new, again = cleaned.get("duress_password"), cleaned.get("duress_password_again")
        if not new or not again:
            return cleaned
        if new != again:
            self.add_error("duress_password_again", _("The two duress passwords are not the same."))
            return cleaned
        user = self.request.user
        assert isinstance(user, User)
        try:
            validate_password(new, user)
        except forms.ValidationError as error:
            self.add_error("duress_password", error)
            return cleaned
        # In a decoy session the password the watcher knows is the duress password itself, and the
        # real one must not be tested at all: a match would tell him he had guessed it.
        same = new == cleaned.get("current_password")
        if same or (not is_decoy_session(self.request) and user.check_password(new)):
            self.add_error(
                "duress_password", _("The duress password must be different from your real password.")
            )
        return cleaned


class RemoveDuressPasswordForm(CurrentPasswordMixin):
    pass


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
