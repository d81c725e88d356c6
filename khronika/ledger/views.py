"""The ledger page for coordinators: who did what, when, to which opaque id; and the open alerts."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from khronika.accounts.access import require_capability
from khronika.accounts.alerts import open_alerts
from khronika.accounts.models import Alert, User
from khronika.accounts.roles import Capability
from khronika.ledger.labels import labels_for
from khronika.ledger.models import LedgerEntry
from khronika.ledger.services import record


class LedgerFilterForm(forms.Form):
    actor = forms.ChoiceField(label=gettext_lazy("Who"), required=False)
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = [(f"user:{pk}", name) for pk, name in User.objects.values_list("pk", "username")]
        cast(forms.ChoiceField, self.fields["actor"]).choices = [
            ("", _("Anyone")),
            ("system", _("System (command line)")),
            *users,
        ]
        actions = LedgerEntry.objects.order_by("action").values_list("action", flat=True).distinct()
        cast(forms.ChoiceField, self.fields["action"]).choices = [
            ("", _("Any action")),
            *((a, a) for a in actions),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The first date must not be after the second."))
        return cleaned


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filter_entries(filters: dict[str, Any]) -> QuerySet[LedgerEntry]:
    """Ledger entries matching the filters, newest first. ``end`` includes the whole of that day."""
    entries = LedgerEntry.objects.order_by("-seq")
    if filters.get("actor"):
        entries = entries.filter(actor=filters["actor"])
    if filters.get("action"):
        entries = entries.filter(action=filters["action"])
    if filters.get("start"):
        entries = entries.filter(at__gte=_day_start(filters["start"]))
    if filters.get("end"):
        entries = entries.filter(at__lt=_day_start(filters["end"] + timedelta(days=1)))
    return entries


@require_capability(Capability.VIEW_LEDGER)
def ledger_list(request: HttpRequest) -> HttpResponse:
    form = LedgerFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = form.cleaned_data
    page = Paginator(filter_entries(filters), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    entries = list(page)
    labels = labels_for(((e.object_type, e.object_id) for e in entries), request.user)
    actor_pks = {e.actor.removeprefix("user:") for e in entries if e.actor.startswith("user:")}
    usernames = {
        f"user:{pk}": name for pk, name in User.objects.filter(pk__in=actor_pks).values_list("pk", "username")
    }
    rows = [
        {
            "entry": e,
            "who": usernames.get(e.actor, e.actor),
            "label": labels.get((e.object_type, e.object_id), ""),
        }
        for e in entries
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "alerts": open_alerts(),
        "query": query.urlencode(),
    }
    return render(request, "ledger/ledger_list.html", context)


@require_POST
@require_capability(Capability.VIEW_LEDGER)
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Mark an alert as seen. Who acknowledged it is kept, and ledgered, so an alert cannot vanish quietly."""
    alert = get_object_or_404(Alert, pk=alert_id, acknowledged_at__isnull=True)
    assert isinstance(request.user, User)
    alert.acknowledged_by = request.user
    alert.acknowledged_at = timezone.now()
    alert.save(update_fields=["acknowledged_by", "acknowledged_at"])
    record(request.user, "acknowledge", alert)
    messages.success(request, _("The alert was marked as seen."))
    return redirect("ledger:ledger_list")
