"""The release request form: one form for both kinds, the fields of the other kind ignored."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from khronika.publishing import anonymity, counts, generalize
from khronika.publishing.models import Release
from khronika.publishing.services import ReleaseRequest

TABLE_CHOICES = [
    ("act_type", _("by act")),
    ("region", _("by federal subject (map)")),
    ("period", _("by period (timeline)")),
]
PLACE_CHOICES = [
    ("district", _("federal district")),
    ("subject", _("federal subject")),
    ("country", _("country only")),
]
COLUMN_CHOICES = [
    ("age", _("age (three wide bands)")),
    ("gender", _("gender")),
    ("citizenship", _("citizenship (Russian or other)")),
    ("perpetrator_type", _("type of perpetrator")),
    ("detention", _("days in detention (ranges)")),
    ("outcome", _("outcome (injured, deported)")),
]


class ReleaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Release.Kind.choices)
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    granularity = forms.ChoiceField(label=_("Time unit"), choices=Release.Granularity.choices)
    tables = forms.MultipleChoiceField(
        label=_("Tables (public counts)"),
        choices=TABLE_CHOICES,
        initial=list(counts.TABLES),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    epsilon = forms.FloatField(
        label=_("Privacy budget to spend, ε (public counts)"),
        initial=0.5,
        min_value=0.01,
        required=False,
        help_text=_("Smaller means more noise and more privacy."),
    )
    place_level = forms.ChoiceField(label=_("Place (partner dataset)"), choices=PLACE_CHOICES, required=False)
    columns = forms.MultipleChoiceField(
        label=_("Other columns (partner dataset)"),
        choices=COLUMN_CHOICES,
        initial=list(generalize.DEFAULT_OPTIONAL),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    k = forms.IntegerField(
        label=_("k (smallest group)"), initial=anonymity.DEFAULT_K, min_value=5, required=False
    )
    l = forms.IntegerField(  # noqa: E741
        label=_("l (different acts per group)"), initial=anonymity.DEFAULT_L, min_value=2, required=False
    )
    partner = forms.CharField(
        label=_("Partner organisation (partner dataset)"), max_length=200, required=False
    )
    note = forms.CharField(
        label=_("Note (no names)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def to_request(self) -> ReleaseRequest:
        data: dict[str, Any] = self.cleaned_data
        return ReleaseRequest(
            kind=data["kind"],
            start=data["start"],
            end=data["end"],
            granularity=data["granularity"],
            tables=list(data["tables"]),
            epsilon=data["epsilon"] if data["epsilon"] is not None else 0.5,
            place_level=data["place_level"] or "district",
            columns=list(data["columns"]),
            k=data["k"] or anonymity.DEFAULT_K,
            l=data["l"] or anonymity.DEFAULT_L,
            partner=data["partner"],
            note=data["note"],
        )
