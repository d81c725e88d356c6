"""Staff pages for incidents and people. Thin: forms validate, services write, queries read."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khronika.accounts.access import require_capability, visible
from khronika.accounts.models import User
from khronika.accounts.roles import Capability
from khronika.ledger.services import record
from khronika.records.forms import (
    ActFormSet,
    ConsentForm,
    IncidentFilterForm,
    IncidentForm,
    PersonForm,
    SourceForm,
)
from khronika.records.models import Act, Incident, Information, Person
from khronika.records.queries import incident_page, incidents_in_order
from khronika.records.services import act_initial, save_incident


@dataclass(frozen=True)
class IncidentPrefill:
    """Initial values for the incident form, its act rows and its source."""

    incident: Mapping[str, Any] = field(default_factory=dict)
    acts: Sequence[Mapping[str, Any]] = ()
    source: Mapping[str, Any] = field(default_factory=dict)


@require_capability(Capability.VIEW_RECORDS)
def incident_list(request: HttpRequest) -> HttpResponse:
    form = IncidentFilterForm(request.GET or None)
    # An invalid filter is shown with its message; the valid ones still apply.
    filters: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        filters = form.cleaned_data
    page = incident_page(request.user, filters, request.GET.get("page"))
    rows = visible(Incident.objects.select_related("place"), request.user)
    page.object_list = incidents_in_order(
        rows.prefetch_related(Prefetch("acts", queryset=Act.objects.select_related("act_type"))),
        page.object_list,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "records/incident_list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


def _visible_incident(request: HttpRequest, incident_id: Any) -> Incident:
    return get_object_or_404(
        visible(Incident.objects.select_related("place", "region"), request.user), id=incident_id
    )


@require_capability(Capability.VIEW_RECORDS)
def incident_detail(request: HttpRequest, incident_id: Any) -> HttpResponse:
    incident = _visible_incident(request, incident_id)
    # Ledgered so that "what did this (detained) account open?" has an answer (threat model 2).
    record(request.user, "view", incident)
    acts = incident.acts.select_related(
        "act_type",
        "victim",
        "perpetrator_type",
        "perpetrator_unit",
        "perpetrator_person",
        "legal_article",
        "discovery_method",
    )
    information = Information.objects.filter(incident=incident).select_related(
        "source", "source__source_type"
    )
    return render(
        request,
        "records/incident_detail.html",
        {"incident": incident, "acts": acts, "information": information, "evidence": incident.evidence.all()},
    )


@require_capability(Capability.EDIT_RECORDS)
def incident_create(request: HttpRequest) -> HttpResponse:
    return incident_form(request, None)


@require_capability(Capability.EDIT_RECORDS)
def incident_edit(request: HttpRequest, incident_id: Any) -> HttpResponse:
    return incident_form(request, _visible_incident(request, incident_id))


def incident_form(
    request: HttpRequest,
    incident: Incident | None,
    *,
    prefill: IncidentPrefill | None = None,
    on_saved: Callable[[Incident], None] | None = None,
) -> HttpResponse:
    """The one incident form, for a new or an existing incident. Other apps reuse it with ``prefill``
    (intake: a report's answers) and ``on_saved`` (intake: link the report to what was recorded)."""
    user = request.user
    assert isinstance(user, User)
    data = request.POST if request.method == "POST" else None
    # A prefill shows on the first display only: once posted, what staff submitted is all that counts
    # (as initial data it would make the pre-filled act rows look unchanged, hence empty).
    prefill = prefill if data is None else None
    initial: dict[str, Any] = dict(prefill.incident) if prefill else {}
    acts_initial: list[dict[str, Any]] = [dict(act) for act in prefill.acts] if prefill else []
    if incident is not None:
        initial = {
            "title": incident.title,
            "narrative": incident.narrative,
            "date": incident.date_display.split(" ")[0],
            "approximate": incident.date_precision == "approximate",
            "place": incident.place.code if incident.place else "",
            "status": incident.status,
            "confidentiality": incident.confidentiality,
            "compartment": incident.compartment_id,
        }
        acts_initial = [
            act_initial(act)
            for act in incident.acts.select_related(
                "act_type", "victim", "perpetrator_type", "legal_article", "discovery_method"
            )
        ]
    form = IncidentForm(user, data, initial=initial, prefix="incident")
    acts = ActFormSet(data, initial=acts_initial, prefix="acts", form_kwargs={"user": user})
    source = SourceForm(user, data, initial=dict(prefill.source) if prefill else None, prefix="source")
    if data is not None and form.is_valid() and acts.is_valid() and source.is_valid():
        saved = save_incident(
            user,
            form.cleaned_data,
            [f.cleaned_data for f in acts.forms if f.has_changed() or f.cleaned_data.get("act_id")],
            None if source.is_empty else source.cleaned_data,
            incident,
        )
        if on_saved is not None:
            on_saved(saved)
        messages.success(request, _("The incident %(ref)s was saved.") % {"ref": saved.reference})
        return redirect("records:incident_detail", incident_id=saved.id)
    return render(
        request,
        "records/incident_form.html",
        {"form": form, "acts": acts, "source": source, "incident": incident},
        status=400 if data is not None else 200,
    )


def _visible_person(request: HttpRequest, person_id: Any) -> Person:
    return get_object_or_404(visible(Person.objects.all(), request.user), id=person_id)


def _person_page(request: HttpRequest, person: Person, revealed: bool, **extra: Any) -> HttpResponse:
    acts = (
        visible(Act.objects.filter(victim=person), request.user, "incident__compartment")
        .select_related("incident", "act_type")
        .order_by("-incident__date_start")
    )
    context = {
        "person": person,
        "acts": acts,
        "revealed": revealed,
        "consents": person.consents.all(),
        "consent_form": ConsentForm(),
        **extra,
    }
    return render(request, "records/person_detail.html", context)


@require_capability(Capability.VIEW_RECORDS)
def person_detail(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _visible_person(request, person_id)
    record(request.user, "view", person)  # as for incidents: what a seized account opened
    return _person_page(request, person, revealed=False)


@require_POST
@require_capability(Capability.REVEAL_IDENTITY)
def person_reveal(request: HttpRequest, person_id: Any) -> HttpResponse:
    """Show the identity for this one response only, and leave a trace in the ledger (threat model 3)."""
    person = _visible_person(request, person_id)
    record(request.user, "reveal", person)
    return _person_page(request, person, revealed=True)


@require_capability(Capability.EDIT_RECORDS)
def person_edit(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _visible_person(request, person_id)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        form.save()
        record(request.user, "update", person)
        messages.success(request, _("The person %(p)s was saved.") % {"p": person.pseudonym})
        return redirect("records:person_detail", person_id=person.id)
    if request.method != "POST":
        record(request.user, "reveal", person)
    return render(request, "records/person_form.html", {"person": person, "form": form})


@require_POST
@require_capability(Capability.MANAGE_CONSENT)
def consent_add(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = _visible_person(request, person_id)
    form = ConsentForm(request.POST)
    if form.is_valid():
        if person.consents.filter(scope=form.cleaned_data["scope"], withdrawn_on__isnull=True).exists():
            messages.error(request, _("This consent is already recorded."))
        else:
            consent = form.save(commit=False)
            consent.person = person
            consent.recorded_by = request.user
            consent.save()
            record(request.user, "consent", person)
            messages.success(request, _("The consent was recorded."))
        return redirect("records:person_detail", person_id=person.id)
    return _person_page(request, person, revealed=False, consent_form=form)
