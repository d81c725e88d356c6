"""The public report form and the source's reply form, in plain words, and the staff reply form.

Every refusal says what to do instead; nothing here needs JavaScript. File fields are checked twice:
here for count and size (before anything is read), then by ``khronika.intake.sanitize`` for type and
content.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxLengthValidator
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from khronika.intake.sanitize import accepted_kinds
from khronika.records.models import Place, Term
from khronika.records.models.bilingual import in_language
from khronika.records.places import place_choices


class Checklist(forms.CheckboxSelectMultiple):
    """Each broad kind of act is a ``<details>`` that opens to its specific acts: a short list to scan,
    and the detail one click away, without JavaScript."""

    template_name = "intake/widgets/checklist.html"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files from one ``<input type="file" multiple>``; checked for number and size only."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(uploads) > settings.INTAKE_MAX_FILES:
            raise forms.ValidationError(
                ngettext(
                    "Send at most %(n)d file at a time.",
                    "Send at most %(n)d files at a time; you can add more later with your phrase.",
                    settings.INTAKE_MAX_FILES,
                )
                % {"n": settings.INTAKE_MAX_FILES}
            )
        limit_mb = settings.INTAKE_MAX_FILE_BYTES // (1024 * 1024)
        for upload in uploads:
            if upload.size is not None and upload.size > settings.INTAKE_MAX_FILE_BYTES:
                raise forms.ValidationError(
                    _("One file is larger than %(mb)d MB. Send a smaller or shorter version.")
                    % {"mb": limit_mb}
                )
        return uploads


def _files_help() -> str:
    return str(_("You may attach photos, recordings, videos or documents: %(kinds)s.")) % {
        "kinds": ", ".join(accepted_kinds())
    }


_CHOICES_CACHE: dict[tuple[str, str, int, int], list[tuple[str, Any]]] = {}


def _cached(name: str, build: Callable[[], list[tuple[str, Any]]]) -> list[tuple[str, Any]]:
    """The public form's long choice lists, built once per language and reference-data version.

    Rebuilding the gazetteer and the act checklist cost about 6 ms of every report under load
    (benchmarks/intake_load.py). The row counts stamp the version: loading or adding terms and places
    changes them; rewording a label in place shows after a restart."""
    key = (name, translation.get_language() or "", Term.objects.count(), Place.objects.count())
    if key not in _CHOICES_CACHE:
        if len(_CHOICES_CACHE) > 16:
            _CHOICES_CACHE.clear()
        _CHOICES_CACHE[key] = build()
    return _CHOICES_CACHE[key]


def act_checklist() -> list[tuple[str, Any]]:
    """The act types in their everyday wording, grouped under the broad kinds: victims tick what
    happened to them instead of learning our vocabulary."""
    terms: list[dict[str, Any]] = [
        dict(row)
        for row in Term.objects.filter(vocabulary__code="act_type", deprecated=False)
        .exclude(plain_en="")
        .order_by("sort_order", "code")
        .values("id", "parent_id", "code", "plain_ru", "plain_en")
    ]
    by_id = {t["id"]: t for t in terms}

    def top(term: dict[str, Any]) -> dict[str, Any]:
        while term["parent_id"] in by_id:
            term = by_id[term["parent_id"]]
        return term

    groups: dict[int, list[tuple[str, str]]] = {}
    for term in terms:
        groups.setdefault(top(term)["id"], []).append(
            (term["code"], in_language(term["plain_ru"], term["plain_en"]))
        )
    return [
        (in_language(by_id[g]["plain_ru"], by_id[g]["plain_en"]), options) for g, options in groups.items()
    ]


class PublicForm(forms.Form):
    """A form of the public pages: its labels are questions, so no colon after them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ReportForm(PublicForm):
    what_happened = forms.CharField(
        label=_("What happened?"),
        help_text=_("In your own words. Write only what you are comfortable sharing."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    acts = forms.MultipleChoiceField(
        label=_("Which of these happened? Open a line to see more, and tick all that apply."),
        widget=Checklist,
        required=False,
    )
    when_date = forms.DateField(
        label=_("When did it happen?"),
        help_text=_("The day, if you know it."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    when_roughly = forms.CharField(
        label=_("If you do not know the day: roughly when?"),
        help_text=_("For example: early March 2025, or about two weeks ago."),
        required=False,
        max_length=200,
    )
    place = forms.ChoiceField(label=_("Where? Region or town"), required=False)
    place_detail = forms.CharField(
        label=_("More precisely (optional)"),
        help_text=_("A district, a street, a police station, a café: whatever helps."),
        required=False,
        max_length=300,
    )
    who_was_involved = forms.CharField(
        label=_("Who was involved?"),
        help_text=_("Police, officials, people you met, relatives: what you know of them."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    urgent = forms.BooleanField(
        label=_("It is urgent: someone is detained or missing right now, or there is a deadline soon."),
        required=False,
    )
    contact = forms.CharField(
        label=_("How can we reach you, if you want us to? (optional)"),
        help_text=_(
            "Safest is to leave this empty and come back with your receipt phrase. "
            "If you write a contact, use one that is not under your real name."
        ),
        required=False,
        max_length=500,
    )
    attachments = FilesField(label=_("Files (optional)"))
    keep_originals = forms.BooleanField(
        label=_("Also keep my untouched original files"),
        help_text=_(
            "We remove hidden information (such as the location and time in photos) from every file. "
            "That information can also be evidence: tick this if we may keep the untouched originals, "
            "locked so that only our coordinators can open them. If you are not sure, leave it unticked."
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["acts"].choices = _cached("acts", act_checklist)  # type: ignore[attr-defined]
        self.fields["place"].choices = _cached(  # type: ignore[attr-defined]
            "places", lambda: place_choices(str(_("I would rather not say")))
        )
        self.fields["attachments"].help_text = _files_help()
        self.fields["what_happened"].validators.append(MaxLengthValidator(settings.INTAKE_MAX_TEXT_CHARS))

    def clean_when_date(self) -> date | None:
        value: date | None = self.cleaned_data.get("when_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future. Check the day, month and year."))
        return value

    def answers(self) -> dict[str, Any]:
        """What is sealed: the answers as text, without the files."""
        data = self.cleaned_data
        return {
            "what_happened": data["what_happened"],
            "acts": list(data["acts"]),
            "when_date": data["when_date"].isoformat() if data["when_date"] else "",
            "when_roughly": data["when_roughly"],
            "place": data["place"],
            "place_detail": data["place_detail"],
            "who_was_involved": data["who_was_involved"],
            "contact": data["contact"],
        }


class PhraseForm(PublicForm):
    phrase = forms.CharField(
        label=_("Your receipt phrase"),
        help_text=_("The seven words you were given, in order, with spaces between them."),
        max_length=200,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class SourceMessageForm(PublicForm):
    token = forms.CharField(widget=forms.HiddenInput, max_length=2000)
    text = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    attachments = FilesField(label=_("Files (optional)"))
    keep_originals = ReportForm.base_fields["keep_originals"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _files_help()
        self.fields["text"].validators.append(MaxLengthValidator(settings.INTAKE_MAX_TEXT_CHARS))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("text") and not cleaned.get("attachments") and not self.errors:
            raise forms.ValidationError(_("Write a message or attach a file."))
        return cleaned


class StaffReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply to the source"),
        help_text=_("They read it when they come back with their receipt phrase. Never ask for their name."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20_000,
    )
