"""Downloading the incident list as CSV or XLSX: what the user can see, filtered as on the list.

A POST, because it writes to the ledger: one ``export`` entry per incident in the file (threat model 3,
an informant quietly copying the database must leave a trace naming exactly what left).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from khronika.accounts.access import require_capability
from khronika.accounts.roles import Capability, has_capability
from khronika.ledger.services import Event, object_ref, record_events
from khronika.records.forms import IncidentFilterForm
from khronika.records.queries import find_incidents
from khronika.records.spreadsheets.export import columns, incident_rows, to_csv, to_xlsx, with_related

FORMATS = {
    "csv": ("text/csv; charset=utf-8", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
}


@require_capability(Capability.EXPORT)
def incident_export(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    form = IncidentFilterForm(data)
    # As on the list: invalid filters are shown and ignored, the valid ones apply.
    form.is_valid()
    filters: dict[str, Any] = form.cleaned_data
    incidents = find_incidents(request.user, filters)
    chosen = request.POST.get("format", "")
    if request.method != "POST" or chosen not in FORMATS:
        return render(request, "records/export_form.html", {"form": form, "count": incidents.count()})
    with_sensitive = has_capability(request.user, Capability.VIEW_SENSITIVE)
    exported = list(with_related(incidents))
    content_type, writer = FORMATS[chosen]
    body = writer(columns(with_sensitive), incident_rows(exported, with_sensitive))
    record_events(request.user, [Event("export", *object_ref(incident)) for incident in exported])
    response = HttpResponse(body, content_type=content_type)
    filename = f"khronika-incidents-{timezone.localdate().isoformat()}.{chosen}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
