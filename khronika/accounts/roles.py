"""Roles and what each may do.

Least privilege (threat model 3, an informant with an account): a capability is granted to the roles
whose work needs it and to nobody else. Which records a user reaches is decided separately, by the
compartments they belong to (``khronika.accounts.access``).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    DOCUMENTER = "documenter", _("Documenter")
    LAWYER = "lawyer", _("Lawyer")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    EVACUATION = "evacuation", _("Evacuation volunteer")
    ANALYST = "analyst", _("Analyst")
    INTAKE = "intake", _("Intake volunteer")


class Capability(models.TextChoices):
    VIEW_RECORDS = "view_records", _("See incidents, acts and people by pseudonym")
    VIEW_SENSITIVE = "view_sensitive", _("Read narratives, titles and source texts")
    EDIT_RECORDS = "edit_records", _("Create and edit incidents, people and sources")
    REVEAL_IDENTITY = "reveal_identity", _("Reveal a person's identity")
    MANAGE_CONSENT = "manage_consent", _("Record consent")
    IMPORT = "import", _("Import spreadsheets and databases")
    EXPORT = "export", _("Export records")
    MANAGE_VOCABULARIES = "manage_vocabularies", _("Edit controlled vocabularies")
    VIEW_LEDGER = "view_ledger", _("Read the ledger")
    MANAGE_USERS = "manage_users", _("Manage accounts, roles and compartments")
    DELETE_RECORDS = "delete_records", _("Delete records for good (crypto-shredding)")
    PANIC = "panic", _("Seal the whole instance at once (panic button)")
    TRIAGE_INTAKE = "triage_intake", _("Read and answer anonymous reports, and record them")
    OPEN_ORIGINALS = "open_originals", _("Open the untouched originals of anonymous uploads")
    # Aid cases are reached by membership (khronika.aid.access): this only lets a role work on cases at all.
    CASE_WORK = "case_work", _("Work on the aid cases one is a member of")
    MANAGE_CASES = "manage_cases", _("Open aid cases, see every case of one's compartments, assign members")
    REPORT_SAFETY = "report_safety", _("Report accounts, numbers and places to the safety registry")
    # Handles and numbers of unverified reports are seen by moderators only (khronika.safety).
    MODERATE_SAFETY = "moderate_safety", _("Read safety reports; confirm, retract and renew warnings")


_ALL = frozenset(Capability)
_DOCUMENTING = frozenset(
    {
        Capability.VIEW_RECORDS,
        Capability.VIEW_SENSITIVE,
        Capability.EDIT_RECORDS,
        Capability.REVEAL_IDENTITY,
        Capability.MANAGE_CONSENT,
    }
)

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMIN: _ALL,
    Role.COORDINATOR: _ALL - {Capability.MANAGE_VOCABULARIES},
    Role.DOCUMENTER: _DOCUMENTING | {Capability.IMPORT, Capability.REPORT_SAFETY},
    # Analysts work on coded, pseudonymized data: no narratives, no identities.
    Role.ANALYST: frozenset({Capability.VIEW_RECORDS, Capability.EXPORT}),
    # Intake volunteers turn submissions into records but cannot browse identities.
    Role.INTAKE: frozenset(
        {
            Capability.VIEW_RECORDS,
            Capability.VIEW_SENSITIVE,
            Capability.EDIT_RECORDS,
            Capability.TRIAGE_INTAKE,
            Capability.REPORT_SAFETY,
        }
    ),
    # Lawyers, psychologists and evacuation volunteers see only the cases assigned to them (aid app).
    # They may report an account used against their client (/safety/report/?case=<id>).
    Role.LAWYER: frozenset({Capability.CASE_WORK, Capability.REPORT_SAFETY}),
    Role.PSYCHOLOGIST: frozenset({Capability.CASE_WORK, Capability.REPORT_SAFETY}),
    Role.EVACUATION: frozenset({Capability.CASE_WORK, Capability.REPORT_SAFETY}),
}


def capabilities_of(user: Any) -> frozenset[Capability]:
    """The capabilities of ``user``; none for anonymous or inactive users."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    capabilities = ROLE_CAPABILITIES.get(user.role, frozenset())
    # A duress (decoy) session may do less than the role allows: khronika.accounts.duress sets this.
    limit: frozenset[Capability] | None = getattr(user, "_khronika_capability_limit", None)
    return capabilities & limit if limit is not None else capabilities


def has_capability(user: Any, capability: Capability) -> bool:
    return capability in capabilities_of(user)
