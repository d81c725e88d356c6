from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext_lazy as _

from khronika.checkins.delivery import is_webhook

MAX_CONTACTS = 3
MAX_MESSAGE = 500


class CheckInForm(forms.Form):
    minutes = forms.IntegerField(
        label=_("Alert my contacts if I have not checked in within this many minutes"),
        min_value=5,
        max_value=24 * 60,
        initial=90,
    )
    contacts = forms.CharField(
        label=_("Who to alert"),
        help_text=_(
            "One per line, up to three: an e-mail address, or a web address (https://…) that receives alerts."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    message = forms.CharField(
        label=_("The message they will get"),
        help_text=_(
            "This is all they will receive. Say who you are, where you are going and whom you are meeting."
        ),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_contacts(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["contacts"].splitlines() if line.strip()]
        if not lines:
            raise ValidationError(_("Give at least one e-mail address or web address."))
        if len(lines) > MAX_CONTACTS:
            raise ValidationError(_("Give at most three contacts."))
        for line in lines:
            try:
                if is_webhook(line):
                    URLValidator(schemes=["http", "https"])(line)
                else:
                    EmailValidator()(line)
            except ValidationError:
                raise ValidationError(
                    _("This is neither an e-mail address nor a web address: %(line)s"), params={"line": line}
                ) from None
        return lines


class StaffCheckInForm(CheckInForm):
    language = forms.ChoiceField(
        label=_("Language of the codes and the alert"),
        choices=[("ru", "Русский"), ("en", "English")],
        initial="ru",
    )


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Your code"), max_length=200)
