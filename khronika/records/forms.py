"""Forms for the staff UI. Every message says in plain words what to change."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from khronika.accounts.access import compartment_ids, visible
from khronika.accounts.models import Compartment, User
from khronika.records.dates import PartialDateError, Precision, parse_partial_date
from khronika.records.models import Consent, Incident, Information, Organisation, Person, Place, Source
from khronika.records.places import place_choices, region_choices
from khronika.records.vocab import indented_choices


class PartialDateField(forms.CharField):
    """A text box taking 2025-11-03, 2025-11 or 2025; cleans to (start, end, precision) or None."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("help_text", _("2025-11-03, or 2025-11 if only the month is known, or 2025"))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> tuple[date, date, Precision] | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return parse_partial_date(text)
        except PartialDateError as error:
            raise forms.ValidationError(str(error)) from None


class IncidentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    act_type = forms.ChoiceField(label=_("Act"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    date_from = PartialDateField(label=_("From"), required=False, help_text="")
    date_to = PartialDateField(label=_("To"), required=False, help_text="")
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *Incident.Status.choices]
    )
    perpetrator_type = forms.ChoiceField(label=_("Perpetrator"), required=False)
    source_type = forms.ChoiceField(label=_("Source"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["act_type"].choices = indented_choices("act_type")  # type: ignore[attr-defined]
        self.fields["region"].choices = region_choices()  # type: ignore[attr-defined]
        self.fields["perpetrator_type"].choices = indented_choices("perpetrator_type")  # type: ignore[attr-defined]
        self.fields["source_type"].choices = indented_choices("source_type")  # type: ignore[attr-defined]


class IncidentForm(forms.Form):
    title = forms.CharField(label=_("Short title"), max_length=300)
    narrative = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    date = PartialDateField(label=_("When"), required=False)
    date_end = PartialDateField(label=_("Until (if it lasted)"), required=False)
    approximate = forms.BooleanField(label=_("The date is approximate"), required=False)
    place = forms.ChoiceField(label=_("Where"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Incident.Status.choices)
    confidentiality = forms.ChoiceField(label=_("Confidentiality"), choices=Incident.Confidentiality.choices)
    compartment = forms.ModelChoiceField(
        label=_("Compartment"), queryset=Compartment.objects.none(), empty_label=None
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = place_choices()  # type: ignore[attr-defined]
        # compartment_ids, not user.compartments: a duress session's list is the decoy compartment only.
        self.fields["compartment"].queryset = Compartment.objects.filter(  # type: ignore[attr-defined]
            id__in=compartment_ids(user)
        )

    def clean_place(self) -> Place | None:
        code = self.cleaned_data.get("place")
        return Place.objects.filter(code=code).first() if code else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date"), cleaned.get("date_end")
        if end and not start:
            self.add_error("date", _("Give the start date too."))
        elif start and end and end[1] < start[0]:
            self.add_error("date_end", _("The end cannot be before the start."))
        return cleaned


class ActForm(forms.Form):
    """One act of the incident, with its victim and perpetrator picked or created in place."""

    act_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    act_type = forms.ChoiceField(label=_("What was done"), required=False)
    victim_pseudonym = forms.CharField(
        label=_("Victim: existing person"),
        required=False,
        max_length=16,
        help_text=_("Their pseudonym, for example P-7K3Q9D"),
    )
    victim_given_name = forms.CharField(label=_("or new victim: given name"), required=False, max_length=200)
    victim_family_name = forms.CharField(label=_("family name"), required=False, max_length=200)
    victim_gender = forms.ChoiceField(label=_("gender"), required=False)
    victim_age_band = forms.ChoiceField(label=_("age"), required=False)
    perpetrator_type = forms.ChoiceField(label=_("Perpetrator type"), required=False)
    perpetrator_unit = forms.ModelChoiceField(
        label=_("Perpetrator unit"), required=False, queryset=Organisation.objects.all()
    )
    new_unit_name = forms.CharField(label=_("or new unit: name"), required=False, max_length=300)
    legal_article = forms.ChoiceField(label=_("Article invoked"), required=False)
    legal_article_part = forms.CharField(label=_("part"), required=False, max_length=10)
    discovery_method = forms.ChoiceField(label=_("How the victim was found"), required=False)
    days_detained = forms.IntegerField(
        label=_("Days in detention"), required=False, min_value=0, max_value=36500
    )
    fine_rub = forms.IntegerField(
        label=_("Fine (roubles)"), required=False, min_value=0, max_value=100_000_000
    )
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for name, vocabulary in [
            ("act_type", "act_type"),
            ("victim_gender", "gender"),
            ("victim_age_band", "age_band"),
            ("perpetrator_type", "perpetrator_type"),
            ("legal_article", "legal_article"),
            ("discovery_method", "discovery_method"),
        ]:
            self.fields[name].choices = indented_choices(vocabulary)  # type: ignore[attr-defined]

    def clean_victim_pseudonym(self) -> Person | None:
        pseudonym = (self.cleaned_data.get("victim_pseudonym") or "").strip().upper()
        if not pseudonym:
            return None
        person = visible(Person.objects.all(), self.user).filter(pseudonym=pseudonym).first()
        if person is None:
            raise forms.ValidationError(
                _("No person with the pseudonym %(p)s is known to you."), params={"p": pseudonym}
            )
        return person

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("DELETE"):
            return cleaned
        new_victim = cleaned.get("victim_given_name") or cleaned.get("victim_family_name")
        if cleaned.get("victim_pseudonym") and new_victim:
            self.add_error("victim_given_name", _("Pick an existing person or describe a new one, not both."))
        if cleaned.get("perpetrator_unit") and cleaned.get("new_unit_name"):
            self.add_error("new_unit_name", _("Pick an existing unit or name a new one, not both."))
        if cleaned.get("new_unit_name") and not cleaned.get("perpetrator_type"):
            self.add_error("perpetrator_type", _("Say what kind of unit the new one is."))
        if self.has_changed() and not cleaned.get("act_type") and not self.errors:
            self.add_error("act_type", _("Choose what was done, or leave the whole row empty."))
        return cleaned


class BaseActFormSet(forms.BaseFormSet):  # type: ignore[type-arg]  # django-stubs generic
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.has_changed() and not f.cleaned_data.get("DELETE")]
        kept += [
            f
            for f in self.forms
            if f.cleaned_data.get("act_id") and not f.cleaned_data.get("DELETE") and f not in kept
        ]
        if not kept:
            raise forms.ValidationError(_("Record at least one act: what was done to whom."))


ActFormSet = formset_factory(
    ActForm, formset=BaseActFormSet, extra=2, can_delete=True, max_num=50, validate_max=True
)


class SourceForm(forms.Form):
    """Where the information came from: an existing source by reference, or a new one."""

    source_reference = forms.CharField(
        label=_("Existing source"),
        required=False,
        max_length=16,
        help_text=_("Its reference, for example S-4F7Q2K"),
    )
    source_type = forms.ChoiceField(label=_("or new source: type"), required=False)
    source_name = forms.CharField(label=_("name"), required=False, max_length=300)
    reliability = forms.ChoiceField(
        label=_("reliability"), choices=Source.Reliability.choices, initial="F", required=False
    )
    credibility = forms.ChoiceField(
        label=_("Credibility of this information"),
        choices=Information.Credibility.choices,
        initial="6",
        required=False,
    )
    original_text = forms.CharField(
        label=_("What the source said"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["source_type"].choices = indented_choices("source_type")  # type: ignore[attr-defined]

    def clean_source_reference(self) -> Source | None:
        reference = (self.cleaned_data.get("source_reference") or "").strip().upper()
        if not reference:
            return None
        source = visible(Source.objects.all(), self.user).filter(reference=reference).first()
        if source is None:
            raise forms.ValidationError(
                _("No source with the reference %(r)s is known to you."), params={"r": reference}
            )
        return source

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        existing = cleaned.get("source_reference")
        new = cleaned.get("source_type") or cleaned.get("source_name")
        if existing and new:
            self.add_error("source_name", _("Pick an existing source or describe a new one, not both."))
        elif new and not (cleaned.get("source_type") and cleaned.get("source_name")):
            self.add_error("source_name", _("A new source needs both a type and a name."))
        return cleaned

    @property
    def is_empty(self) -> bool:
        data = self.cleaned_data
        return not (data.get("source_reference") or data.get("source_type") or data.get("source_name"))


class PersonForm(forms.ModelForm):  # type: ignore[type-arg]  # django-stubs generic
    class Meta:
        model = Person
        fields = [
            "given_name",
            "family_name",
            "patronymic",
            "name_latin",
            "aliases",
            "birth_date",
            "contacts",
            "handles",
            "notes",
            "gender",
            "age_band",
            "citizenship",
            "region",
        ]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in ("aliases", "contacts", "handles", "notes")}

    def clean_birth_date(self) -> str:
        text: str = (self.cleaned_data.get("birth_date") or "").strip()
        if text:
            try:
                parse_partial_date(text)
            except PartialDateError as error:
                raise forms.ValidationError(str(error)) from None
        return text


class ConsentForm(forms.ModelForm):  # type: ignore[type-arg]  # django-stubs generic
    class Meta:
        model = Consent
        fields = ["scope", "given_on", "method"]
        widgets = {"given_on": forms.DateInput(attrs={"type": "date"})}
