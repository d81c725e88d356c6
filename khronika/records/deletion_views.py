"""Deleting an incident, a person or an evidence file: a confirmation page, then a POST that shreds."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from khronika.accounts.access import require_capability, visible
from khronika.accounts.roles import Capability
from khronika.records.deletion import delete_evidence, delete_incident, delete_person
from khronika.records.models import Evidence, Incident, Person


def _confirm(request: HttpRequest, what: str, name: str, back: str) -> HttpResponse:
    return render(request, "records/confirm_delete.html", {"what": what, "name": name, "back": back})


@require_capability(Capability.DELETE_RECORDS)
def incident_delete(request: HttpRequest, incident_id: Any) -> HttpResponse:
    incident = get_object_or_404(visible(Incident.objects.all(), request.user), id=incident_id)
    if request.method != "POST":
        back = f"/records/incidents/{incident.id}/"
        return _confirm(
            request, _("this incident, its acts, sources' statements and files"), incident.reference, back
        )
    reference = incident.reference
    delete_incident(incident, request.user)
    messages.success(request, _("%(ref)s was deleted and its encrypted data destroyed.") % {"ref": reference})
    return redirect("records:incident_list")


@require_capability(Capability.DELETE_RECORDS)
def person_delete(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = get_object_or_404(visible(Person.objects.all(), request.user), id=person_id)
    if request.method != "POST":
        return _confirm(request, _("this person"), person.pseudonym, f"/records/people/{person.id}/")
    pseudonym = person.pseudonym
    delete_person(person, request.user)
    messages.success(request, _("%(ref)s was deleted and its encrypted data destroyed.") % {"ref": pseudonym})
    return redirect("records:incident_list")


@require_capability(Capability.DELETE_RECORDS)
def evidence_delete(request: HttpRequest, evidence_id: Any) -> HttpResponse:
    evidence = get_object_or_404(
        visible(Evidence.objects.select_related("incident"), request.user, "incident__compartment"),
        id=evidence_id,
    )
    incident_id = evidence.incident_id
    if request.method != "POST":
        back = f"/records/incidents/{incident_id}/"
        return _confirm(request, _("this file"), evidence.original_name or str(evidence.id), back)
    delete_evidence(evidence, request.user)
    messages.success(request, _("The file was deleted and its encrypted data destroyed."))
    return redirect("records:incident_detail", incident_id=incident_id)
