"""Writing aid cases: every create and update in one transaction with its ledger entries.

The ledger gets opaque ids only (``aid.case`` + uuid, never a reference, pseudonym or name), so a
shredded case leaves the chain verifiable and a reader of the ledger learns nothing about the person.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from khronika.accounts.models import Compartment, User
from khronika.aid.follow_ups import create_follow_ups
from khronika.aid.models import Case, CaseMember, DetentionEvent, Intervention, Task, Verification
from khronika.intake.models import Submission
from khronika.intake.services import open_as_staff
from khronika.ledger.services import Event, object_ref, record, record_events, save_recorded
from khronika.records.models import Incident, Person

# Stored in English, shown translated (Task.display_title).
CONTACT_SOURCE_TITLE = gettext_noop("Contact the source through the inbox")


@transaction.atomic
def save_case(
    actor: User,
    case: Case,
    *,
    persons: Iterable[Person] | None = None,
    incidents: Iterable[Incident] | None = None,
) -> Case:
    """Create or update ``case`` with its persons and incidents; the creator becomes its lead.

    Linking an incident may bring acts that call for follow-up tasks (a phone search, an entrapment):
    they are created here, once.
    """
    creating = case._state.adding
    if creating:
        case.created_by = actor
    if case.status == Case.Status.CLOSED and case.closed_on is None:
        case.closed_on = timezone.localdate()
    elif case.status != Case.Status.CLOSED:
        case.closed_on = None
    case.save()
    if persons is not None:
        case.persons.set(list(persons))
    if incidents is not None:
        case.incidents.set(list(incidents))
    events = [Event("create" if creating else "update", *object_ref(case))]
    if creating:
        member = CaseMember.objects.create(case=case, user=actor, role=CaseMember.Role.LEAD)
        events.append(Event("create", *object_ref(member)))
    record_events(actor, events)
    create_follow_ups(case, actor)
    return case


@transaction.atomic
def set_member(actor: User, case: Case, user: User, role: str) -> CaseMember:
    member, created = CaseMember.objects.update_or_create(case=case, user=user, defaults={"role": role})
    record(actor, "create" if created else "update", member)
    return member


@transaction.atomic
def remove_member(actor: User, member: CaseMember) -> None:
    # The ledger names the membership by its id: record before the row disappears.
    record(actor, "delete", member)
    member.delete()


def add_intervention(actor: User, intervention: Intervention) -> Intervention:
    intervention.author = actor
    return save_recorded(actor, "create", intervention)


def update_intervention(actor: User, intervention: Intervention) -> Intervention:
    return save_recorded(actor, "update", intervention)


def add_verification(actor: User, verification: Verification) -> Verification:
    verification.verified_by = actor
    return save_recorded(actor, "create", verification)


def add_task(actor: User, task: Task) -> Task:
    return save_recorded(actor, "create", task)


def mark_task_done(actor: User, task: Task) -> Task:
    task.done = True
    task.done_at = timezone.now()
    return save_recorded(actor, "update", task)


def add_detention_event(actor: User, event: DetentionEvent) -> DetentionEvent:
    event.recorded_by = actor
    return save_recorded(actor, "create", event)


def update_detention_event(actor: User, event: DetentionEvent) -> DetentionEvent:
    return save_recorded(actor, "update", event)


def save_evacuation_note(actor: User, case: Case, text: str) -> None:
    case.evacuation_note = text
    save_recorded(actor, "update", case)


def read_evacuation_note(actor: User, case: Case) -> str:
    """The note, with a ``reveal`` entry: "which routes did this (detained) account read?" has an answer."""
    record(actor, "reveal", case)
    return str(case.evacuation_note)


def existing_case_for(submission: Submission) -> Case | None:
    return Case.objects.filter(submission=submission).first()


@transaction.atomic
def open_case_from_submission(actor: User, submission: Submission, compartment: Compartment) -> Case:
    """One step from an anonymous report to an aid case: the summary is what the source wrote, an urgent
    report is a high risk, and the first task is to answer the source through the inbox today (the only
    channel we have: the source left no identity, and the case must not invent one)."""
    existing = existing_case_for(submission)
    if existing is not None:
        return existing
    answers = open_as_staff(submission).answers()
    case = Case(
        compartment=compartment,
        summary=answers.get("what_happened", ""),
        risk_level=Case.Risk.HIGH if submission.urgent else Case.Risk.MEDIUM,
        submission=submission,
    )
    save_case(actor, case)
    add_task(
        actor,
        Task(
            case=case,
            title=CONTACT_SOURCE_TITLE,
            kind=Task.Kind.FOLLOW_UP,
            due_on=timezone.localdate(),
            remind_days_before=0,
            assignee=actor,
            follow_up_key="contact-source",
        ),
    )
    record(actor, "intake.open_case", submission)
    return case
