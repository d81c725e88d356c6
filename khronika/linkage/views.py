"""The review screen for linkage inside the instance: pairs one at a time, merges and their undo, runs.

The same views serve person links (``/linkage/review/``…) and incident links
(``/linkage/incidents/review/``…): ``urls.py`` passes the ``subject``. Every link is looked up through
``visible``: a link of another compartment answers like one that does not exist (threat model 3), so no
reviewer learns that another team documents the same person or incident.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from khronika.accounts.access import compartment_ids, require_capability, visible
from khronika.accounts.models import Compartment
from khronika.accounts.roles import Capability
from khronika.ledger.services import record
from khronika.linkage import decisions, instance, review
from khronika.linkage.models import Link, LinkageRun
from khronika.linkage.subjects import INCIDENTS, PERSONS, SUBJECTS, Subject

SKIPPED = "linkage_skipped"  # session key: the links this reviewer chose "not sure, skip" for
MAX_SKIPPED = 500

# The URL names of each subject's pages (``urls.py``), and the record page a pair links to.
URLS = {
    PERSONS.name: {
        "review": "linkage:review",
        "decide": "linkage:decide",
        "reveal": "linkage:reveal",
        "merges": "linkage:merges",
        "undo": "linkage:undo",
        "detail": "records:person_detail",
    },
    INCIDENTS.name: {
        "review": "linkage:incident_review",
        "decide": "linkage:incident_decide",
        "reveal": "linkage:incident_reveal",
        "merges": "linkage:incident_merges",
        "undo": "linkage:incident_undo",
        "detail": "records:incident_detail",
    },
}
# What the pages say after a decision, per subject: (same, different, undone).
DONE: dict[str, tuple[Promise, Promise, Promise]] = {
    PERSONS.name: (
        gettext_lazy("%(a)s and %(b)s are now recorded as one person."),
        gettext_lazy("%(a)s and %(b)s are kept apart as different people."),
        gettext_lazy("The merge was undone: %(a)s and %(b)s are separate people again."),
    ),
    INCIDENTS.name: (
        gettext_lazy("%(a)s and %(b)s are now recorded as one incident."),
        gettext_lazy("%(a)s and %(b)s are kept apart as different incidents."),
        gettext_lazy("The merge was undone: %(a)s and %(b)s are separate incidents again."),
    ),
}


class RunForm(forms.Form):
    compartment = forms.ModelChoiceField(
        label=gettext_lazy("Compartment"), queryset=Compartment.objects.none(), empty_label=None
    )
    subject = forms.ChoiceField(
        label=gettext_lazy("Compare"),
        choices=LinkageRun.Subject.choices,
        initial=LinkageRun.Subject.PERSONS,
        widget=forms.RadioSelect,
        required=False,  # persons, as before the choice existed
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["compartment"]
        assert isinstance(field, forms.ModelChoiceField)  # for mypy: declared just above
        field.queryset = Compartment.objects.filter(id__in=compartment_ids(user)).order_by("name")


def _links(request: HttpRequest, subject: Subject) -> Any:
    links = subject.links().select_related("left", "right", "compartment")
    return visible(links, request.user)


def _label(link: Link) -> dict[str, str]:
    """The pair as pseudonyms (persons) or references (incidents): never names or titles."""
    return {"a": str(link.left), "b": str(link.right)}


def _review_page(
    request: HttpRequest, subject: Subject, link: Link | None, revealed: bool = False
) -> HttpResponse:
    waiting = _links(request, subject).filter(state=Link.State.PROPOSED)
    context: dict[str, Any] = {
        "subject": subject.name,
        "urls": URLS[subject.name],
        "link": link,
        "waiting": waiting.count(),
        "runs": visible(LinkageRun.objects.select_related("compartment"), request.user)[:5],
        "run_form": RunForm(request.user, initial={"subject": subject.name}),
        "revealed": revealed,
    }
    if link is not None:
        context["left"], context["right"] = (
            review.reveal(link, request.user) if revealed else review.cards(link)
        )
    return render(request, "linkage/review.html", context)


@require_capability(Capability.EDIT_RECORDS)
def review_next(request: HttpRequest, subject: str = PERSONS.name) -> HttpResponse:
    """The most probable pair still waiting that this reviewer has not skipped."""
    kind = SUBJECTS[subject]
    waiting = _links(request, kind).filter(state=Link.State.PROPOSED)
    link = waiting.exclude(id__in=request.session.get(SKIPPED, [])).first()
    if link is not None:
        # As for a person's page: "what did this (seized) account look at?" has an answer.
        record(request.user, "view", link)
    return _review_page(request, kind, link)


@require_POST
@require_capability(Capability.REVEAL_IDENTITY)
def review_reveal(request: HttpRequest, link_id: Any, subject: str = PERSONS.name) -> HttpResponse:
    """Both identities (or titles and narratives), for this response only; each one a ``reveal`` in
    the ledger."""
    kind = SUBJECTS[subject]
    link = get_object_or_404(_links(request, kind), id=link_id)
    return _review_page(request, kind, link, revealed=True)


@require_POST
@require_capability(Capability.EDIT_RECORDS)
def review_decide(request: HttpRequest, link_id: Any, subject: str = PERSONS.name) -> HttpResponse:
    link = get_object_or_404(_links(request, SUBJECTS[subject]), id=link_id)
    back = URLS[subject]["review"]
    decision = request.POST.get("decision")
    if decision == "skip":
        skipped = [*request.session.get(SKIPPED, []), str(link.pk)]
        request.session[SKIPPED] = skipped[-MAX_SKIPPED:]
        return redirect(back)
    if decision not in ("same", "different"):
        messages.error(request, _("Choose one of the three buttons under the pair."))
        return redirect(back)
    try:
        (decisions.confirm if decision == "same" else decisions.reject)(link, request.user)
    except decisions.AlreadyDecided:
        messages.error(
            request, _("This pair was already decided, perhaps by a colleague. Here is the next one.")
        )
        return redirect(back)
    same, different, _undone = DONE[subject]
    messages.success(request, str(same if decision == "same" else different) % _label(link))
    return redirect(back)


@require_capability(Capability.EDIT_RECORDS)
def merge_list(request: HttpRequest, subject: str = PERSONS.name) -> HttpResponse:
    merges = (
        _links(request, SUBJECTS[subject]).filter(state=Link.State.CONFIRMED).select_related("decided_by")
    )
    context = {"merges": merges.order_by("-decided_at")[:500], "subject": subject, "urls": URLS[subject]}
    return render(request, "linkage/merges.html", context)


@require_POST
@require_capability(Capability.EDIT_RECORDS)
def merge_undo(request: HttpRequest, link_id: Any, subject: str = PERSONS.name) -> HttpResponse:
    link = get_object_or_404(_links(request, SUBJECTS[subject]), id=link_id)
    try:
        decisions.undo(link, request.user)
    except decisions.AlreadyDecided:
        messages.error(request, _("This merge was already undone."))
    else:
        messages.success(request, str(DONE[subject][2]) % _label(link))
    return redirect(URLS[subject]["merges"])


@require_POST
@require_capability(Capability.MANAGE_USERS)
def run_start(request: HttpRequest) -> HttpResponse:
    """Queue a run of the model over one of the coordinator's compartments."""
    form = RunForm(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of your compartments to look for duplicates in."))
        return redirect("linkage:review")
    subject = form.cleaned_data["subject"] or PERSONS.name
    instance.start(form.cleaned_data["compartment"], request.user, subject)
    messages.success(
        request,
        _(
            "The search for duplicates has started. New pairs appear here when it is done "
            "(usually within a minute)."
        ),
    )
    return redirect(URLS[subject]["review"])
