"""Who reaches an aid case: its members, and the coordinators of its compartment. Nobody else.

Threat model 3 (an informant with an account): a case names a person in danger and the people helping
them. A user who is neither on the case's team nor a coordinator of its compartment gets exactly the
404 of a case that does not exist, so probing URLs tells nothing. Lawyers, psychologists and evacuation
volunteers hold no record capability at all: their cases are the whole of what they see.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from khronika.accounts.access import compartment_ids
from khronika.accounts.roles import Capability, has_capability
from khronika.aid.models import Case, CaseMember, Intervention


def visible_cases(user: Any) -> QuerySet[Case]:
    """The cases ``user`` may open: those they are a member of; for coordinators, also every case of
    their compartments. A duress (decoy) session has no case capability and sees none."""
    if not has_capability(user, Capability.CASE_WORK):
        return Case.objects.none()
    reach = Q(id__in=CaseMember.objects.filter(user_id=user.pk).values("case_id"))
    if has_capability(user, Capability.MANAGE_CASES):
        reach |= Q(compartment__in=compartment_ids(user))
    return Case.objects.filter(reach)


def case_for(user: Any, case_id: Any) -> Case:
    """The case, or the 404 of a missing one when ``user`` may not open it."""
    case = visible_cases(user).filter(id=case_id).select_related("compartment").first()
    if case is None:
        raise Http404
    return case


def case_role(case: Case, user: Any) -> str | None:
    return CaseMember.objects.filter(case=case, user_id=user.pk).values_list("role", flat=True).first()


def may_manage(case: Case, user: Any) -> bool:
    """Coordinators of the case's compartment edit the case and its team."""
    return has_capability(user, Capability.MANAGE_CASES) and case.compartment_id in compartment_ids(user)


def may_read_evacuation_note(case: Case, user: Any) -> bool:
    """Escape routes and safe houses: the case's evacuation team and coordinators, nobody else (not even
    the case's lawyer), because one seized phone of a team member must expose as few routes as possible."""
    return may_manage(case, user) or case_role(case, user) == CaseMember.Role.EVACUATION


def is_private_to_author(intervention: Intervention) -> bool:
    """Psychologists' session notes are read by the psychologist who wrote them only."""
    term = intervention.intervention_type
    return "psychological" in (term.code, term.parent.code if term.parent_id and term.parent else "")


def may_read_notes(intervention: Intervention, user: Any) -> bool:
    return not is_private_to_author(intervention) or intervention.author_id == user.pk
