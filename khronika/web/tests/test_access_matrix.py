"""Every URL × every role × a record inside and outside the user's compartments.

Threat model 3 (an informant with an account): a page or record a user may not reach answers exactly
like a record that does not exist. The rule table below must name every URL pattern of the project, so
adding a view without deciding who may reach it fails ``test_every_url_has_an_access_rule``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from khronika.accounts.models import Alert
from khronika.accounts.roles import Capability, Role, has_capability
from khronika.aid.models import CaseMember
from khronika.aid.tests.factories import (
    CaseFactory,
    DetentionEventFactory,
    InquiryFactory,
    InterventionFactory,
    TaskFactory,
)
from khronika.estimation.tests.factories import estimate_in
from khronika.intake.sanitize import CleanFile
from khronika.intake.services import Upload, submit
from khronika.linkage.tests.factories import incident_link_in, link_in
from khronika.monitoring.models import Feed, ImportReport
from khronika.monitoring.tests.factories import candidate_in
from khronika.publishing.models import Release
from khronika.records.models import PlaintextExportApproval
from khronika.safety.models import Entry as SafetyEntry
from khronika.testing.factories import EvidenceFactory, IncidentFactory, PersonFactory, UserFactory


@dataclass(frozen=True)
class Rule:
    """Who may reach a URL: ``capability`` None means any logged-in staff member; ``public`` anyone."""

    method: str = "get"
    capability: Capability | None = None
    record: str | None = None  # the kind of record named in the URL, checked against compartments
    public: bool = False
    # The request names a staged upload in its form data; without one, every role gets the 404 of an
    # upload that does not exist (the happy path is in records/tests/test_spreadsheet_*).
    staged: bool = False
    # Fixed URL arguments that name no record (the language of a public intake page).
    arguments: tuple[tuple[str, str], ...] = ()
    # When set, only these roles reach the URL even with the capability (a case's evacuation note: the
    # matrix user is on the inside case with the case role matching their staff role, see CASE_ROLES).
    roles: frozenset[Role] | None = None


ENGLISH = (("language", "en"),)

RULES: dict[str, Rule] = {
    "home": Rule(),
    "accounts:login": Rule(public=True),
    "accounts:logout": Rule(method="post", public=True),
    "accounts:set_language": Rule(method="post"),
    "records:incident_list": Rule(capability=Capability.VIEW_RECORDS),
    "records:incident_create": Rule(capability=Capability.EDIT_RECORDS),
    "records:incident_detail": Rule(capability=Capability.VIEW_RECORDS, record="incident"),
    "records:incident_edit": Rule(capability=Capability.EDIT_RECORDS, record="incident"),
    "records:person_detail": Rule(capability=Capability.VIEW_RECORDS, record="person"),
    "records:person_edit": Rule(capability=Capability.EDIT_RECORDS, record="person"),
    "records:person_reveal": Rule(method="post", capability=Capability.REVEAL_IDENTITY, record="person"),
    "records:consent_add": Rule(method="post", capability=Capability.MANAGE_CONSENT, record="person"),
    "records:evidence_add": Rule(method="post", capability=Capability.EDIT_RECORDS, record="incident"),
    "records:evidence_download": Rule(capability=Capability.VIEW_SENSITIVE, record="evidence"),
    "records:export_approvals": Rule(capability=Capability.MANAGE_USERS),
    "records:export_approval_approve": Rule(
        method="post", capability=Capability.MANAGE_USERS, record="approval"
    ),
    "records:incident_delete": Rule(capability=Capability.DELETE_RECORDS, record="incident"),
    "records:person_delete": Rule(capability=Capability.DELETE_RECORDS, record="person"),
    "records:evidence_delete": Rule(capability=Capability.DELETE_RECORDS, record="evidence"),
    "records:incident_export": Rule(capability=Capability.EXPORT),
    "records:import_upload": Rule(capability=Capability.IMPORT),
    "records:import_columns": Rule(method="post", capability=Capability.IMPORT, staged=True),
    "records:import_confirm": Rule(method="post", capability=Capability.IMPORT, staged=True),
    "records:import_cancel": Rule(method="post", capability=Capability.IMPORT),
    "accounts:two_factor": Rule(),
    "accounts:duress_password": Rule(),
    "accounts:team_list": Rule(capability=Capability.MANAGE_USERS),
    "accounts:team_edit": Rule(capability=Capability.MANAGE_USERS, record="staff"),
    "accounts:team_end_sessions": Rule(method="post", capability=Capability.MANAGE_USERS, record="staff"),
    "accounts:team_exposure": Rule(capability=Capability.MANAGE_USERS, record="staff"),
    "accounts:team_revoke": Rule(method="post", capability=Capability.MANAGE_USERS, record="staff"),
    "ledger:ledger_list": Rule(capability=Capability.VIEW_LEDGER),
    "vault:panic": Rule(capability=Capability.PANIC),
    "ledger:alert_acknowledge": Rule(method="post", capability=Capability.VIEW_LEDGER, record="alert"),
    "intake:choose_language": Rule(public=True),
    "intake:report": Rule(public=True, arguments=ENGLISH),
    "intake:come_back": Rule(public=True, arguments=ENGLISH),
    "intake:send_message": Rule(method="post", public=True, arguments=ENGLISH),
    "intake:staying_safe": Rule(public=True, arguments=ENGLISH),
    "checkin:start": Rule(public=True, arguments=ENGLISH),
    "checkin:code": Rule(method="post", public=True, arguments=ENGLISH),
    "checkins:new": Rule(capability=Capability.CASE_WORK),
    "inbox:inbox": Rule(capability=Capability.TRIAGE_INTAKE),
    "inbox:submission": Rule(capability=Capability.TRIAGE_INTAKE, record="submission"),
    "inbox:reply": Rule(method="post", capability=Capability.TRIAGE_INTAKE, record="submission"),
    "inbox:status": Rule(method="post", capability=Capability.TRIAGE_INTAKE, record="submission"),
    "inbox:revoke_phrase": Rule(method="post", capability=Capability.TRIAGE_INTAKE, record="submission"),
    "inbox:delete": Rule(capability=Capability.DELETE_RECORDS, record="submission"),
    "inbox:record": Rule(capability=Capability.TRIAGE_INTAKE, record="submission"),
    "inbox:file": Rule(capability=Capability.TRIAGE_INTAKE, record="attachment"),
    "inbox:open_aid_case": Rule(method="post", capability=Capability.MANAGE_CASES, record="submission"),
    # Aid cases: the matrix user is a member of the inside case; a case of their compartment they are not
    # on is reached by coordinators only (test_..._inside_and_outside_its_compartments checks it).
    "aid:dashboard": Rule(capability=Capability.CASE_WORK),
    "aid:case_create": Rule(capability=Capability.MANAGE_CASES),
    "aid:case_detail": Rule(capability=Capability.CASE_WORK, record="case"),
    "aid:case_edit": Rule(capability=Capability.MANAGE_CASES, record="case"),
    "aid:members": Rule(capability=Capability.MANAGE_CASES, record="case"),
    "aid:intervention_add": Rule(capability=Capability.CASE_WORK, record="case"),
    "aid:intervention_edit": Rule(capability=Capability.CASE_WORK, record="intervention"),
    "aid:verification_add": Rule(capability=Capability.CASE_WORK, record="case"),
    "aid:task_add": Rule(capability=Capability.CASE_WORK, record="case"),
    "aid:task_done": Rule(method="post", capability=Capability.CASE_WORK, record="task"),
    "aid:detention_add": Rule(capability=Capability.CASE_WORK, record="case"),
    "aid:evacuation_note": Rule(
        capability=Capability.CASE_WORK,
        record="case",
        roles=frozenset({Role.ADMIN, Role.COORDINATOR, Role.EVACUATION}),
    ),
    "aid:detention_edit": Rule(capability=Capability.CASE_WORK, record="event"),
    "aid:inquiry_add": Rule(capability=Capability.CASE_WORK, record="case"),
    "aid:inquiry_edit": Rule(capability=Capability.CASE_WORK, record="inquiry"),
    "aid:documents": Rule(capability=Capability.CASE_WORK, record="case"),
    "aid:letter": Rule(
        capability=Capability.CASE_WORK, record="case", arguments=(("kind", "whereabouts-inquiry"),)
    ),
    "aid:case_summary": Rule(capability=Capability.CASE_WORK, record="case"),
    "aid:relatives": Rule(capability=Capability.MANAGE_CASES, record="case"),
    "status:status": Rule(public=True, arguments=ENGLISH),
    "safety:report": Rule(capability=Capability.REPORT_SAFETY),
    "safety:entries": Rule(capability=Capability.MODERATE_SAFETY),
    "safety:entry_detail": Rule(capability=Capability.MODERATE_SAFETY, record="safety entry"),
    "safety:decide": Rule(method="post", capability=Capability.MODERATE_SAFETY, record="safety entry"),
    "safety:warnings": Rule(public=True, arguments=ENGLISH),
    "safety:check": Rule(public=True, arguments=ENGLISH),
    "safety:range": Rule(public=True, arguments=(("key_id", "0123456789abcdef"), ("prefix", "00000"))),
    "worker:failures": Rule(capability=Capability.MANAGE_USERS),
    "worker:retry": Rule(method="post", capability=Capability.MANAGE_USERS),
    "monitoring:queue": Rule(capability=Capability.EDIT_RECORDS),
    "monitoring:candidate": Rule(capability=Capability.EDIT_RECORDS, record="candidate"),
    "monitoring:accept": Rule(capability=Capability.EDIT_RECORDS, record="candidate"),
    "monitoring:link": Rule(method="post", capability=Capability.EDIT_RECORDS, record="candidate"),
    "monitoring:reject": Rule(method="post", capability=Capability.EDIT_RECORDS, record="candidate"),
    "monitoring:sources": Rule(capability=Capability.IMPORT),
    "monitoring:import_source": Rule(method="post", capability=Capability.IMPORT),
    "monitoring:feed_add": Rule(method="post", capability=Capability.IMPORT),
    "monitoring:feed_pause": Rule(method="post", capability=Capability.IMPORT, record="feed"),
    "monitoring:feed_resume": Rule(method="post", capability=Capability.IMPORT, record="feed"),
    "monitoring:feed_remove": Rule(method="post", capability=Capability.IMPORT, record="feed"),
    "monitoring:import_report": Rule(capability=Capability.IMPORT, record="import report"),
    "publishing:release_list": Rule(capability=Capability.EXPORT),
    "publishing:release_create": Rule(capability=Capability.EXPORT),
    "publishing:release_approve": Rule(method="post", capability=Capability.MANAGE_USERS, record="release"),
    "publishing:release_download": Rule(capability=Capability.EXPORT, record="release"),
    "publishing:release_withdraw": Rule(method="post", capability=Capability.EXPORT, record="release"),
    "figures:dashboard": Rule(public=True, arguments=ENGLISH),
    "figures:report_pdf": Rule(public=True, arguments=ENGLISH),
    "linkage:review": Rule(capability=Capability.EDIT_RECORDS),
    "linkage:decide": Rule(method="post", capability=Capability.EDIT_RECORDS, record="person link"),
    "linkage:reveal": Rule(method="post", capability=Capability.REVEAL_IDENTITY, record="person link"),
    "linkage:merges": Rule(capability=Capability.EDIT_RECORDS),
    "linkage:undo": Rule(method="post", capability=Capability.EDIT_RECORDS, record="person link"),
    "linkage:run_start": Rule(method="post", capability=Capability.MANAGE_USERS),
    "linkage:incident_review": Rule(capability=Capability.EDIT_RECORDS),
    "linkage:incident_decide": Rule(
        method="post", capability=Capability.EDIT_RECORDS, record="incident link"
    ),
    "linkage:incident_reveal": Rule(
        method="post", capability=Capability.REVEAL_IDENTITY, record="incident link"
    ),
    "linkage:incident_merges": Rule(capability=Capability.EDIT_RECORDS),
    "linkage:incident_undo": Rule(method="post", capability=Capability.EDIT_RECORDS, record="incident link"),
    "estimation:overview": Rule(capability=Capability.EXPORT),
    "estimation:run": Rule(method="post", capability=Capability.EXPORT),
    "estimation:publish": Rule(method="post", capability=Capability.MANAGE_USERS, record="estimate"),
    "estimation:unpublish": Rule(method="post", capability=Capability.MANAGE_USERS, record="estimate"),
}

# Django's admin has its own permission model (is_staff plus has_*_permission, see records/admin.py).
EXEMPT_NAMESPACES = {"admin"}
RECORD_KWARGS = {
    "incident": "incident_id",
    "person": "person_id",
    "evidence": "evidence_id",
    "staff": "user_id",
    "alert": "alert_id",
    "approval": "approval_id",
    "release": "release_id",
    "submission": "submission_id",
    "case": "case_id",
    "candidate": "candidate_id",
    "feed": "feed_id",
    "import report": "report_id",
    "safety entry": "entry_id",
    "person link": "link_id",
    "incident link": "link_id",
    "estimate": "estimate_id",
}
# Staff accounts and alerts are not in compartments: who may manage them is decided by capability alone.
COMPARTMENTED = {"incident", "person", "evidence", "case", "task", "intervention", "event", "inquiry"}
COMPARTMENTED |= {"candidate"}  # a monitoring candidate is in its article's compartment
COMPARTMENTED |= {"feed", "import report"}  # monitoring feeds and import reports have a compartment
COMPARTMENTED |= {"person link", "incident link"}  # a linkage pair joins two records of one compartment
COMPARTMENTED |= {"estimate"}  # an estimate is made from its run's compartments
# Aid cases are reached by membership (khronika/aid/access.py): each role sits on the inside case as this.
CASE_ROLES = {Role.LAWYER: "lawyer", Role.PSYCHOLOGIST: "psychologist", Role.EVACUATION: "evacuation"}


def url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in EXEMPT_NAMESPACES:
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_has_an_access_rule():
    missing = url_names() - set(RULES)
    assert not missing, f"URL patterns without an access rule in this test: {sorted(missing)}"


@pytest.fixture
def records(team):
    def records_in(compartment):
        incident = IncidentFactory(compartment=compartment)
        return {
            "incident": incident,
            "person": PersonFactory(compartment=compartment),
            "evidence": EvidenceFactory(incident=incident),
            "staff": UserFactory(compartments=[compartment]),
            "case": (case := CaseFactory(compartment=compartment)),
            "task": TaskFactory(case=case),
            "intervention": InterventionFactory(case=case),
            "event": DetentionEventFactory(case=case),
            "inquiry": InquiryFactory(case=case),
            "candidate": candidate_in(compartment),
            "feed": Feed.objects.create(compartment=compartment, url="https://feeds.example.invalid/rss"),
            "import report": ImportReport.objects.create(compartment=compartment, kind="html"),
            "person link": link_in(compartment),
            "incident link": incident_link_in(compartment),
            "estimate": estimate_in(compartment),
        }

    inside = records_in(team.home)
    inside["alert"] = Alert.objects.create(kind=Alert.Kind.REVEALS, subject=inside["staff"])
    inside["approval"] = PlaintextExportApproval.objects.create(requested_by=inside["staff"])
    inside["release"] = Release.objects.create(
        kind=Release.Kind.COUNTS,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 3, 31),
        epsilon=0.1,
        options={"tables": ["region"]},
        requested_by=inside["staff"],
    )
    inside["safety entry"] = SafetyEntry.objects.create(kind="pattern")
    upload = Upload(CleanFile(b"synthetic", "text/plain", ".txt", ()), "note.txt")
    inside["submission"], _ = submit({"what_happened": "synthetic"}, [upload], language="en", urgent=False)
    inside["attachment"] = inside["submission"].attachments.get()
    # A case of the home compartment that the matrix user is not on: coordinators only.
    inside["other case"] = CaseFactory(compartment=team.home)
    inside["other task"] = TaskFactory(case=inside["other case"])
    inside["other intervention"] = InterventionFactory(case=inside["other case"])
    inside["other event"] = DetentionEventFactory(case=inside["other case"])
    inside["other inquiry"] = InquiryFactory(case=inside["other case"])
    return inside, records_in(team.elsewhere)


def record_arguments(kind: str, record: object) -> dict[str, object]:
    if kind == "attachment":  # a file is named with its report
        return {"submission_id": record.submission_id, "attachment_id": record.id}  # type: ignore[attr-defined]
    if kind in ("task", "intervention", "event", "inquiry"):  # named with their case
        if isinstance(record, uuid.UUID):
            return {"case_id": record, f"{kind}_id": record}
        return {"case_id": record.case_id, f"{kind}_id": record.id}  # type: ignore[attr-defined]
    return {RECORD_KWARGS[kind]: getattr(record, "id", record)}


def request(client: Client, name: str, rule: Rule, record: object | None) -> tuple[int, bytes]:
    kwargs: dict[str, object] = dict(rule.arguments)
    if rule.record:
        kwargs.update(record_arguments(rule.record, record))
    response = getattr(client, rule.method)(reverse(name, kwargs=kwargs))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("name", sorted(RULES))
def test_the_rule_holds_for_every_role_inside_and_outside_its_compartments(name, role, team, records):
    rule = RULES[name]
    inside, outside = records
    user = UserFactory(username=f"matrix-{role}", role=role, compartments=[team.home])
    CaseMember.objects.create(case=inside["case"], user=user, role=CASE_ROLES.get(role, "other"))
    client = Client()
    client.force_login(user)
    allowed = rule.public or rule.capability is None or has_capability(user, rule.capability)
    allowed = allowed and not rule.staged and (rule.roles is None or role in rule.roles)

    status, _ = request(client, name, rule, inside[rule.record] if rule.record else None)
    if allowed:
        assert status not in (403, 404) and status < 500, f"{role} should reach {name}, got {status}"
    else:
        assert status == 404, f"{role} must get 404 on {name}, got {status}"

    if rule.record in COMPARTMENTED:
        missing_status, missing_body = request(client, name, rule, uuid.uuid4())
        outside_status, outside_body = request(client, name, rule, outside[rule.record])
        assert missing_status == 404
        assert (outside_status, outside_body) == (missing_status, missing_body), (
            f"{role} can tell that a {rule.record} outside its compartments exists on {name}"
        )

    if rule.record in ("case", "task", "intervention", "event", "inquiry"):
        # Not on the case, though it is in the user's compartment: coordinators of it only; for anyone
        # else it answers like a case that does not exist.
        other_status, other_body = request(client, name, rule, inside[f"other {rule.record}"])
        if allowed and has_capability(user, Capability.MANAGE_CASES):
            assert other_status not in (403, 404) and other_status < 500, f"{role} should reach {name}"
        else:
            assert (other_status, other_body) == request(client, name, rule, uuid.uuid4()), (
                f"{role} can tell that a case they are not on exists on {name}"
            )


@pytest.mark.parametrize("name", sorted(RULES))
def test_anonymous_visitors_reach_only_public_pages(name, records):
    rule = RULES[name]
    inside, _ = records
    status, _ = request(Client(), name, rule, inside[rule.record] if rule.record else None)
    if rule.public:
        # A public form posted empty answers 400 with its messages: reached, not refused.
        assert status not in (403, 404) and status < 500
    else:
        assert status == 302, f"an anonymous visitor must be sent to the login page from {name}"
