"""Follow-up tasks that a phone search or an entrapment on a case calls for, created once per case.

Why: a phone unlocked, searched or seized by the police gives them the person's contacts and open
sessions; an entrapment (a staged date, a hijacked account used as a lure) means an account is being
used to hunt others. The team must warn the contacts, end the sessions and report the account. What
these tasks must never do is store the seized contact list: the warning goes through the client (the
person themself tells their contacts), so the case holds no list a second seizure could take.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_noop

from khronika.aid.models import Case, Task
from khronika.ledger.services import Event, object_ref, record_events
from khronika.records.models import Act

DEVICE_ACTS = frozenset({"forced-device-unlocking", "device-search", "device-seizure"})
ENTRAPMENT_ACTS = frozenset({"entrapment", "staged-date", "hijacked-account-lure"})


@dataclass(frozen=True)
class FollowUp:
    key: str
    # Stored in English (the language of the code) and encrypted like every task title; shown as written.
    title: str
    due_in_days: int


WARN_CONTACTS = FollowUp(
    "warn-contacts",
    gettext_noop(
        "Ask the person to warn their contacts themself (do not write the contact list down anywhere)"
    ),
    0,
)
END_SESSIONS = FollowUp(
    "end-sessions", gettext_noop("End the person's messenger and dating app sessions on every device"), 0
)
REPORT_ACCOUNT = FollowUp(
    "report-account", gettext_noop("Report the account used against the person to the safety registry"), 1
)

# A device in police hands exposes contacts and sessions; an entrapment also names an account to report.
FOLLOW_UPS_BY_ACT = {
    **dict.fromkeys(DEVICE_ACTS, (WARN_CONTACTS, END_SESSIONS)),
    **dict.fromkeys(ENTRAPMENT_ACTS, (WARN_CONTACTS, END_SESSIONS, REPORT_ACCOUNT)),
}


def follow_ups_for(case: Case) -> list[FollowUp]:
    """The follow-ups the acts on ``case``'s incidents call for, each once, in a stable order."""
    codes = set(
        Act.objects.filter(incident__aid_cases=case, act_type__code__in=FOLLOW_UPS_BY_ACT).values_list(
            "act_type__code", flat=True
        )
    )
    wanted: dict[str, FollowUp] = {}
    for code in sorted(codes):
        for follow_up in FOLLOW_UPS_BY_ACT[code]:
            wanted[follow_up.key] = follow_up
    return list(wanted.values())


@transaction.atomic
def create_follow_ups(case: Case, actor: Any = None) -> list[Task]:
    """Create the follow-up tasks ``case`` calls for and does not have yet; idempotent (the database
    refuses a second task with the same key on a case)."""
    have = set(
        Task.objects.filter(case=case).exclude(follow_up_key="").values_list("follow_up_key", flat=True)
    )
    today = timezone.localdate()
    created = []
    for follow_up in follow_ups_for(case):
        if follow_up.key in have:
            continue
        task = Task(
            case=case,
            title=follow_up.title,
            kind=Task.Kind.FOLLOW_UP,
            due_on=today + timedelta(days=follow_up.due_in_days),
            remind_days_before=0,
            follow_up_key=follow_up.key,
        )
        task.save()
        created.append(task)
    if created:
        record_events(actor, [Event("create", *object_ref(task)) for task in created])
    return created


@receiver(post_save, sender=Act, dispatch_uid="aid_follow_ups_for_new_acts")
def _act_saved(sender: type[Act], instance: Act, **kwargs: Any) -> None:
    """An act recorded later on an incident already linked to a case counts as well."""
    if instance.act_type_id is None:
        return
    code = instance.act_type.code
    if code not in FOLLOW_UPS_BY_ACT:
        return
    for case in Case.objects.filter(incidents=instance.incident_id):
        create_follow_ups(case)
