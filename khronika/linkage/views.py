"""The review screen for linkage inside the instance: pairs one at a time, merges and their undo, runs.

Every link is looked up through ``visible``: a link of another compartment answers like one that does
not exist (threat model 3), so no reviewer learns that another team documents the same person.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from khronika.accounts.access import compartment_ids, require_capability, visible
from khronika.accounts.models import Compartment
from khronika.accounts.roles import Capability
from khronika.ledger.services import record
from khronika.linkage import decisions, instance, review
from khronika.linkage.models import LinkageRun, PersonLink

SKIPPED = "linkage_skipped"  # session key: the links this reviewer chose "not sure, skip" for
MAX_SKIPPED = 500


class RunForm(forms.Form):
    compartment = forms.ModelChoiceField(
        label=gettext_lazy("Compartment"), queryset=Compartment.objects.none(), empty_label=None
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["compartment"]
        assert isinstance(field, forms.ModelChoiceField)  # for mypy: declared just above
        field.queryset = Compartment.objects.filter(id__in=compartment_ids(user)).order_by("name")


def _links(request: HttpRequest) -> Any:
    return visible(PersonLink.objects.select_related("left", "right", "compartment"), request.user)


def _review_page(request: HttpRequest, link: PersonLink | None, revealed: bool = False) -> HttpResponse:
    waiting = _links(request).filter(state=PersonLink.State.PROPOSED)
    context: dict[str, Any] = {
        "link": link,
        "waiting": waiting.count(),
        "runs": visible(LinkageRun.objects.select_related("compartment"), request.user)[:5],
        "run_form": RunForm(request.user),
        "revealed": revealed,
    }
    if link is not None:
        context["left"], context["right"] = (
            review.reveal(link, request.user) if revealed else review.cards(link)
        )
    return render(request, "linkage/review.html", context)


@require_capability(Capability.EDIT_RECORDS)
def review_next(request: HttpRequest) -> HttpResponse:
    """The most probable pair still waiting that this reviewer has not skipped."""
    waiting = _links(request).filter(state=PersonLink.State.PROPOSED)
    link = waiting.exclude(id__in=request.session.get(SKIPPED, [])).first()
    if link is not None:
        # As for a person's page: "what did this (seized) account look at?" has an answer.
        record(request.user, "view", link)
    return _review_page(request, link)


@require_POST
@require_capability(Capability.REVEAL_IDENTITY)
def review_reveal(request: HttpRequest, link_id: Any) -> HttpResponse:
    """Both identities, for this response only; each one a ``reveal`` in the ledger."""
    link = get_object_or_404(_links(request), id=link_id)
    return _review_page(request, link, revealed=True)


@require_POST
@require_capability(Capability.EDIT_RECORDS)
def review_decide(request: HttpRequest, link_id: Any) -> HttpResponse:
    link = get_object_or_404(_links(request), id=link_id)
    decision = request.POST.get("decision")
    if decision == "skip":
        skipped = [*request.session.get(SKIPPED, []), str(link.pk)]
        request.session[SKIPPED] = skipped[-MAX_SKIPPED:]
        return redirect("linkage:review")
    if decision not in ("same", "different"):
        messages.error(request, _("Choose one of the three buttons under the pair."))
        return redirect("linkage:review")
    try:
        (decisions.confirm if decision == "same" else decisions.reject)(link, request.user)
    except decisions.AlreadyDecided:
        messages.error(
            request, _("This pair was already decided, perhaps by a colleague. Here is the next one.")
        )
        return redirect("linkage:review")
    if decision == "same":
        messages.success(
            request,
            _("%(a)s and %(b)s are now recorded as one person.")
            % {"a": link.left.pseudonym, "b": link.right.pseudonym},
        )
    else:
        messages.success(
            request,
            _("%(a)s and %(b)s are kept apart as different people.")
            % {"a": link.left.pseudonym, "b": link.right.pseudonym},
        )
    return redirect("linkage:review")


@require_capability(Capability.EDIT_RECORDS)
def merge_list(request: HttpRequest) -> HttpResponse:
    merges = _links(request).filter(state=PersonLink.State.CONFIRMED).select_related("decided_by")
    return render(request, "linkage/merges.html", {"merges": merges.order_by("-decided_at")[:500]})


@require_POST
@require_capability(Capability.EDIT_RECORDS)
def merge_undo(request: HttpRequest, link_id: Any) -> HttpResponse:
    link = get_object_or_404(_links(request), id=link_id)
    try:
        decisions.undo(link, request.user)
    except decisions.AlreadyDecided:
        messages.error(request, _("This merge was already undone."))
    else:
        messages.success(
            request,
            _("The merge was undone: %(a)s and %(b)s are separate people again.")
            % {"a": link.left.pseudonym, "b": link.right.pseudonym},
        )
    return redirect("linkage:merges")


@require_POST
@require_capability(Capability.MANAGE_USERS)
def run_start(request: HttpRequest) -> HttpResponse:
    """Queue a run of the model over one of the coordinator's compartments."""
    form = RunForm(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of your compartments to look for duplicates in."))
        return redirect("linkage:review")
    instance.start(form.cleaned_data["compartment"], request.user)
    messages.success(
        request,
        _(
            "The search for duplicates has started. New pairs appear here when it is done "
            "(usually within a minute)."
        ),
    )
    return redirect("linkage:review")
