"""Uploading evidence to an incident and downloading it. Both reach only visible incidents."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from khronika.accounts.access import require_capability, visible
from khronika.accounts.roles import Capability
from khronika.records.evidence import hand_out, receive_evidence
from khronika.records.models import Evidence, Incident


class EvidenceForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))
    description = forms.CharField(label=gettext_lazy("Description"), required=False, max_length=2000)


@require_POST
@require_capability(Capability.EDIT_RECORDS)
def evidence_add(request: HttpRequest, incident_id: Any) -> HttpResponse:
    incident = get_object_or_404(visible(Incident.objects.all(), request.user), id=incident_id)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to add."))
    else:
        try:
            receive_evidence(
                incident, form.cleaned_data["file"], form.cleaned_data["description"], request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The file was added and its SHA-256 recorded."))
    return redirect("records:incident_detail", incident_id=incident.id)


@require_GET
@require_capability(Capability.VIEW_SENSITIVE)
def evidence_download(request: HttpRequest, evidence_id: Any) -> HttpResponseBase:
    """Always an attachment, never rendered inline: a hostile file must not run in our origin."""
    evidence = get_object_or_404(
        visible(Evidence.objects.all(), request.user, "incident__compartment"), id=evidence_id
    )
    hand_out(evidence, request.user)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name or f"{evidence.id}",
        content_type="application/octet-stream",
    )
