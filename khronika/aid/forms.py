"""Forms for aid cases. Persons and incidents are named by pseudonym and reference, never by name."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from khronika.accounts.access import compartment_ids, visible
from khronika.accounts.models import Compartment, User
from khronika.accounts.roles import ROLE_CAPABILITIES, Capability
from khronika.aid.models import Case, CaseMember, DetentionEvent, Inquiry, Intervention, Task, Verification
from khronika.records.models import Consent, Incident, Organisation, Person, Place, Term
from khronika.records.places import place_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _codes(text: str) -> list[str]:
    return [code.upper() for code in re.split(r"[\s,;]+", text or "") if code]


def _member_users(case: Case) -> Any:
    return User.objects.filter(id__in=CaseMember.objects.filter(case=case).values("user_id")).order_by(
        "username"
    )


class CaseForm(forms.ModelForm):  # type: ignore[type-arg]  # django-stubs generic
    """The case itself. Only pseudonyms and references are typed here: a list of every person would be
    slow at 100,000 records and would show a coordinator more than the case needs."""

    person_pseudonyms = forms.CharField(
        label=_("Persons helped"),
        required=False,
        help_text=_("Pseudonyms such as P-7K3Q9DX, separated by spaces or commas."),
    )
    incident_references = forms.CharField(
        label=_("Linked incidents"),
        required=False,
        help_text=_("References such as I-4HX2M7Q, separated by spaces or commas."),
    )

    class Meta:
        model = Case
        fields = ["compartment", "risk_level", "status", "opened_on", "summary"]
        widgets = {"opened_on": DATE, "summary": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # compartment_ids, not user.compartments: a duress session's list is the decoy compartment only.
        self.fields["compartment"].queryset = Compartment.objects.filter(  # type: ignore[attr-defined]
            id__in=compartment_ids(user)
        )
        self.fields["compartment"].empty_label = None  # type: ignore[attr-defined]
        if self.instance.pk and not self.is_bound:
            self.initial["person_pseudonyms"] = " ".join(p.pseudonym for p in self.instance.persons.all())
            self.initial["incident_references"] = " ".join(i.reference for i in self.instance.incidents.all())

    def clean_person_pseudonyms(self) -> list[Person]:
        codes = _codes(self.cleaned_data.get("person_pseudonyms", ""))
        found = {p.pseudonym: p for p in visible(Person.objects.filter(pseudonym__in=codes), self.user)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            # The same words whether the person is missing or in a compartment the user may not see.
            raise forms.ValidationError(
                _("No person you can see has the pseudonym %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return [found[code] for code in dict.fromkeys(codes)]

    def clean_incident_references(self) -> list[Incident]:
        codes = _codes(self.cleaned_data.get("incident_references", ""))
        found = {i.reference: i for i in visible(Incident.objects.filter(reference__in=codes), self.user)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise forms.ValidationError(
                _("No incident you can see has the reference %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return [found[code] for code in dict.fromkeys(codes)]


class InterventionForm(forms.ModelForm):  # type: ignore[type-arg]  # django-stubs generic
    class Meta:
        model = Intervention
        fields = [
            "intervention_type",
            "status",
            "involves_meeting",
            "start_on",
            "end_on",
            "provider_user",
            "provider_organisation",
            "notes",
            "outcome",
        ]
        widgets = {
            "start_on": DATE,
            "end_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 4}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "notes": _("Notes on psychological support are shown to their author only."),
        }

    def __init__(self, case: Case, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["intervention_type"].queryset = Term.objects.filter(  # type: ignore[attr-defined]
            vocabulary__code="intervention_type", deprecated=False
        ).select_related("parent")
        self.fields["provider_user"].queryset = _member_users(case)  # type: ignore[attr-defined]
        self.fields["provider_organisation"].queryset = Organisation.objects.all()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_on"), cleaned.get("end_on")
        if start and end and end < start:
            self.add_error("end_on", _("The end cannot be before the start."))
        if cleaned.get("provider_organisation") is not None:
            self._check_referral_consent()
        return cleaned

    def _check_referral_consent(self) -> None:
        """A partner organisation providing the help is a referral: the partner learns who the person is.
        Each person on the case must have consented to referral (records' Consent, default none)."""
        persons = self.case.persons.all()
        consented = set(persons.with_consent(Consent.Scope.REFERRAL).values_list("id", flat=True))
        missing = [person.pseudonym for person in persons if person.id not in consented]
        if missing:
            self.add_error(
                "provider_organisation",
                _(
                    "A partner organisation can help only with the person's consent to referral, and none "
                    "is recorded for %(persons)s. Record their consent first, or leave the partner empty."
                )
                % {"persons": ", ".join(missing)},
            )


class VerificationForm(forms.ModelForm):  # type: ignore[type-arg]  # django-stubs generic
    verified = forms.TypedChoiceField(
        label=_("Is the client who they say they are?"),
        choices=[("yes", _("Yes, verified")), ("no", _("No, or not sure"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Verification
        fields = ["verified", "method", "verified_at", "note"]
        widgets = {"verified_at": DATETIME, "note": forms.Textarea(attrs={"rows": 3})}


class TaskForm(forms.ModelForm):  # type: ignore[type-arg]  # django-stubs generic
    class Meta:
        model = Task
        fields = ["title", "kind", "due_on", "remind_days_before", "assignee"]
        widgets = {"due_on": DATE}

    def __init__(self, case: Case, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _member_users(case)  # type: ignore[attr-defined]


class DetentionEventForm(forms.ModelForm):  # type: ignore[type-arg]  # django-stubs generic
    place_code = forms.ChoiceField(label=_("Where"), required=False)

    class Meta:
        model = DetentionEvent
        fields = ["person", "kind", "occurred_at", "authority", "legal_article", "grounds", "note"]
        widgets = {"occurred_at": DATETIME, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, case: Case, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the persons on this case: the timeline is theirs, and the list shows pseudonyms only.
        self.fields["person"].queryset = case.persons.all()  # type: ignore[attr-defined]
        self.fields["person"].label_from_instance = lambda person: person.pseudonym  # type: ignore[attr-defined]
        self.fields["person"].empty_label = None  # type: ignore[attr-defined]
        self.fields["legal_article"].queryset = Term.objects.filter(  # type: ignore[attr-defined]
            vocabulary__code="legal_article", deprecated=False
        )
        self.fields["authority"].queryset = Organisation.objects.all()  # type: ignore[attr-defined]
        self.fields["place_code"].choices = place_choices()  # type: ignore[attr-defined]
        self.order_fields(["person", "kind", "occurred_at", "place_code"])
        if self.instance.place_id and not self.is_bound:
            self.initial["place_code"] = self.instance.place.code

    def clean_place_code(self) -> Place | None:
        code = self.cleaned_data.get("place_code")
        return Place.objects.filter(code=code).first() if code else None

    def save(self, commit: bool = True) -> DetentionEvent:
        event: DetentionEvent = super().save(commit=False)
        event.place = self.cleaned_data.get("place_code")
        if commit:
            event.save()
        return event


def case_workers() -> Any:
    """Accounts that can work on a case: their role carries the case capability."""
    roles = [role for role, capabilities in ROLE_CAPABILITIES.items() if Capability.CASE_WORK in capabilities]
    return User.objects.filter(is_active=True, role__in=roles).order_by("username")


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Staff member"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("Role on the case"), choices=CaseMember.Role.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = case_workers()  # type: ignore[attr-defined]
        self.fields["user"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: f"{user.username} · {user.get_role_display()}"
        )


class EvacuationNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Evacuation note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Routes, safe houses and travel plans, in words. Shown to the case's evacuation team and "
            "coordinators only; keep it to what they need now."
        ),
    )


class OpenCaseForm(forms.Form):
    """The compartment an aid case opened from an anonymous report belongs to."""

    compartment = forms.ModelChoiceField(
        label=_("Compartment"), queryset=Compartment.objects.none(), empty_label=None
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["compartment"].queryset = Compartment.objects.filter(  # type: ignore[attr-defined]
            id__in=compartment_ids(user)
        )


class InquiryForm(forms.ModelForm):  # type: ignore[type-arg]  # django-stubs generic
    """An inquiry to an authority, and later its reply."""

    class Meta:
        model = Inquiry
        fields = [
            "person",
            "addressee_kind",
            "addressee",
            "sent_on",
            "channel",
            "reply_due_on",
            "replied_on",
            "reply",
        ]
        widgets = {
            "sent_on": DATE,
            "reply_due_on": DATE,
            "replied_on": DATE,
            "reply": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "reply_due_on": _(
                "Authorities must answer within 30 days (Federal Law 59-FZ). An overdue reply "
                "becomes a task on the case."
            ),
        }

    def __init__(self, case: Case, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _persons_of(self.fields["person"], case)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        sent, due, replied = cleaned.get("sent_on"), cleaned.get("reply_due_on"), cleaned.get("replied_on")
        if sent and due and due < sent:
            self.add_error("reply_due_on", _("The reply cannot be due before the inquiry was sent."))
        if sent and replied and replied < sent:
            self.add_error("replied_on", _("The reply cannot come before the inquiry was sent."))
        if cleaned.get("reply") and not replied:
            self.add_error("replied_on", _("Say when the reply came."))
        return cleaned


def _persons_of(field: forms.Field, case: Case) -> None:
    """Only the persons on this case, shown by pseudonym."""
    field.queryset = case.persons.all()  # type: ignore[attr-defined]
    field.label_from_instance = lambda person: person.pseudonym  # type: ignore[attr-defined]
    field.empty_label = None  # type: ignore[attr-defined]


class LetterForm(forms.Form):
    """The letter as the lawyer edits it before printing. Nothing of it is stored."""

    title = forms.CharField(label=_("Title"), max_length=300)
    text = forms.CharField(
        label=_("Text"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 30}),
        help_text=_("Complete every field in [square brackets]. Nothing you type here is saved."),
    )
    format = forms.ChoiceField(
        label=_("File"), choices=[("pdf", "PDF"), ("docx", _("Word (DOCX)"))], widget=forms.RadioSelect
    )


class RelativeAccessForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Updates about"), queryset=Person.objects.none())
    label = forms.CharField(
        label=_("Who gets the phrase"),
        max_length=200,
        required=False,
        help_text=_("For you and other coordinators, for example “mother”. No names."),
    )
    language = forms.ChoiceField(
        label=_("Language of the phrase and the page"), choices=[("ru", "Русский"), ("en", "English")]
    )

    def __init__(self, case: Case, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _persons_of(self.fields["person"], case)


class SharedUpdateForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Update about"), queryset=Person.objects.none())
    text_ru = forms.CharField(
        label=_("Update in Russian"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The relative sees exactly this, for example “Адвокат видел его сегодня”. Never write where "
            "someone hides, who helps, or anything the family must not say if questioned."
        ),
    )
    text_en = forms.CharField(
        label=_("Update in English (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, case: Case, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _persons_of(self.fields["person"], case)


class StatusPhraseForm(forms.Form):
    phrase = forms.CharField(
        label=_("Your access phrase"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off", "spellcheck": "false"}),
    )
