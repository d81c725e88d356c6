"""Forms of the registry: a report, a moderation decision, and the no-JavaScript lookup."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from khronika.records.models import Place
from khronika.records.places import place_choices
from khronika.safety.models import Kind, Reason
from khronika.safety.normalize import PLATFORM_CHOICES, NotNormalizable
from khronika.safety.services import (
    CONFIRM_REASONS,
    RENEW_REASONS,
    RETRACT_REASONS,
    Subject,
    normalized_identifier,
)

LOOKUP_KINDS = [(Kind.ACCOUNT.value, Kind.ACCOUNT.label), (Kind.PHONE.value, Kind.PHONE.label)]


class SubjectFields(forms.Form):
    """What is reported or looked up; ``subject()`` checks it through the normalization rules."""

    kind = forms.ChoiceField(label=_("What is it?"), choices=Kind.choices, widget=forms.RadioSelect)
    platform = forms.ChoiceField(
        label=_("Platform (for an account)"), choices=[("", "—"), *PLATFORM_CHOICES], required=False
    )
    identifier = forms.CharField(
        label=_("Account name or phone number"), max_length=64, required=False, strip=True
    )

    def subject(self) -> Subject:
        data = self.cleaned_data
        return Subject(
            kind=data["kind"], platform=data.get("platform", ""), identifier=data.get("identifier", "")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        if data.get("kind") == Kind.ACCOUNT and not data.get("platform"):
            self.add_error("platform", _("Choose the platform the account is on."))
            return data
        try:
            normalized_identifier(self.subject())
        except NotNormalizable as error:
            self.add_error("identifier", str(error))
        return data


class LookupForm(SubjectFields):
    kind = forms.ChoiceField(
        label=_("What do you want to check?"), choices=LOOKUP_KINDS, widget=forms.RadioSelect
    )


class ReportForm(SubjectFields):
    town = forms.ChoiceField(label=_("Town (for a place or pattern)"), required=False)
    address = forms.CharField(label=_("Venue or address (for a place)"), max_length=300, required=False)
    pattern = forms.CharField(
        label=_("How were people lured? (for a pattern)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Describe the method, never a person: a hijacked account's owner is often a victim too."),
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=500,
        required=False,
        help_text=_("Where the evidence is: an incident, a case file, a screenshot kept by the hotline."),
    )
    narrative = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = place_choices()  # type: ignore[attr-defined]  # a ChoiceField

    def subject(self) -> Subject:
        data = self.cleaned_data
        town = Place.objects.filter(code=data["town"]).first() if data.get("town") else None
        return Subject(
            kind=data["kind"],
            platform=data.get("platform", ""),
            identifier=data.get("identifier", ""),
            town=town,
            address=data.get("address", ""),
            summary=data.get("pattern", ""),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        kind = data.get("kind")
        if kind == Kind.PLACE and not data.get("town"):
            self.add_error("town", _("Choose the town the place is in."))
        if kind == Kind.PLACE and not data.get("address", "").strip():
            self.add_error("address", _("Write the name of the venue or its address."))
        if kind == Kind.PATTERN and not data.get("pattern", "").strip():
            self.add_error("pattern", _("Describe the pattern: how were people lured?"))
        return data


def _reasons(reasons: tuple[Reason, ...]) -> list[tuple[str, str]]:
    return [(r.value, str(r.label)) for r in reasons]


class DecisionForm(forms.Form):
    """Confirm, renew or retract: the reason is a code (it goes to the ledger), the note stays encrypted."""

    action = forms.ChoiceField(choices=[("confirm", "confirm"), ("renew", "renew"), ("retract", "retract")])
    reason = forms.ChoiceField(
        label=_("Why"),
        choices=_reasons(tuple(dict.fromkeys(CONFIRM_REASONS + RENEW_REASONS + RETRACT_REASONS))),
    )
    note = forms.CharField(
        label=_("Note for the team"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    summary = forms.CharField(
        label=_("Public wording (places and patterns)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Shown on the public page. Never name or describe a person."),
    )
