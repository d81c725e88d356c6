"""Forms of the sources page (/monitoring/sources/): import one source, add a feed.

The compartment is a choice among the user's own compartments (``accounts.access.compartment_ids``),
so a posted id of another compartment is a form error like a missing one, never a write elsewhere.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khronika.accounts.access import compartment_ids
from khronika.accounts.models import Compartment
from khronika.monitoring.fetching import FetchError, check_address
from khronika.monitoring.models import Article

_WEB_ADDRESS = re.compile(r"^https?://[^/?#\s]+", re.IGNORECASE)


def compartments_of(user: Any) -> list[tuple[int, str]]:
    return [(c.pk, c.name) for c in Compartment.objects.filter(id__in=compartment_ids(user)).order_by("name")]


def web_address(value: str) -> str:
    """``value`` stripped, if it is an http(s) address the server may fetch; else a plain-words error."""
    url = value.strip()
    if not _WEB_ADDRESS.match(url):
        raise forms.ValidationError(
            _(
                "Give a web address that starts with http:// or https://, for example https://example.org/feed."
            )
        )
    try:
        check_address(url)  # refuses this server and internal networks before anything is stored
    except FetchError as error:
        raise forms.ValidationError(str(error)) from None
    return url


class _InCompartment(forms.Form):
    compartment = forms.TypedChoiceField(label=gettext_lazy("Compartment"), coerce=int)

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = compartments_of(user)
        field = self.fields["compartment"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = choices
        if len(choices) == 1:
            field.initial = choices[0][0]

    def chosen_compartment(self) -> Compartment:
        return Compartment.objects.get(pk=self.cleaned_data["compartment"])


class ImportForm(_InCompartment):
    """One source: a file from the user's computer, or an address the server fetches."""

    prefix = "import"  # the feed form on the same page also has a compartment and an address

    file = forms.FileField(
        label=gettext_lazy("File"),
        required=False,
        help_text=gettext_lazy(
            "A saved web page, a Telegram Desktop export (result.json), an RSS or Atom feed, or plain text."
        ),
    )
    url = forms.CharField(
        label=gettext_lazy("or a web address"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy(
            "A web page or a feed; the server fetches it (through the proxy, when one is set)."
        ),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("What it is"),
        required=False,
        choices=[("", gettext_lazy("Guess from the contents")), *Article.Origin.choices],
    )
    field_order = ["file", "url", "kind", "compartment"]

    def clean_url(self) -> str:
        value: str = self.cleaned_data.get("url") or ""
        return web_address(value) if value.strip() else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_file, has_url = bool(cleaned.get("file")), bool(cleaned.get("url"))
        if not self.has_error("url") and has_file == has_url:
            raise forms.ValidationError(_("Choose a file or give a web address (one of the two)."))
        return cleaned


class FeedForm(_InCompartment):
    prefix = "feed"
    url = forms.CharField(label=gettext_lazy("Feed address"), max_length=2000)
    title = forms.CharField(
        label=gettext_lazy("Name"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Leave empty to use the feed's own title."),
    )
    field_order = ["url", "title", "compartment"]

    def clean_url(self) -> str:
        return web_address(self.cleaned_data.get("url") or "")
