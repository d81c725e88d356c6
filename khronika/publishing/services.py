"""Requesting and approving releases: the pipeline's stages wired together, every step in the ledger.

request_release  → checks the period, the budget (counts) or the anonymity (datasets) and refuses early;
approve_release  → a second coordinator approves; counts get their noise only now, so that nobody sees
                   noisy figures that were never approved (each look would spend budget unaccounted).
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khronika.accounts.access import compartment_ids
from khronika.accounts.roles import Capability, has_capability
from khronika.ledger.services import record
from khronika.publishing import anonymity, budget, counts, generalize, noise
from khronika.publishing.eligibility import (
    TooRecent,
    check_period,
    eligible_acts,
    periods_between,
    snap_period,
)
from khronika.publishing.models import Release
from khronika.publishing.tiles import region_codes
from khronika.records.exchange.approval import check_second_approver
from khronika.records.models import Term


class ReleaseRefused(Exception):
    """A release that cannot be made; the message says why in plain words."""


@dataclass
class ReleaseRequest:
    kind: str
    start: date
    end: date
    granularity: str = Release.Granularity.QUARTER
    tables: list[str] = field(default_factory=lambda: list(counts.TABLES))
    epsilon: float = 0.5
    place_level: str = "district"
    columns: list[str] = field(default_factory=lambda: list(generalize.DEFAULT_OPTIONAL))
    k: int = anonymity.DEFAULT_K
    l: int = anonymity.DEFAULT_L  # noqa: E741
    partner: str = ""
    note: str = ""


def _today() -> date:
    return timezone.localdate()


def _check_period(start: date, end: date) -> None:
    if start > end:
        raise ReleaseRefused(_("The start of the period is after its end."))
    try:
        check_period(start, end, _today())
    except TooRecent:
        raise ReleaseRefused(
            _(
                "This period includes the last three months. Only incidents at least three months old "
                "may be released: choose an earlier end."
            )
        ) from None


def request_release(user: Any, wanted: ReleaseRequest) -> Release:
    """Record a release request, or refuse it with a reason the requester can act on."""
    start, end = snap_period(wanted.start, wanted.end, wanted.granularity)
    _check_period(start, end)
    release = Release(
        kind=wanted.kind,
        period_start=start,
        period_end=end,
        granularity=wanted.granularity,
        compartments=sorted(compartment_ids(user)),
        partner=wanted.partner[:200],
        note=wanted.note,
        requested_by=user,
    )
    with transaction.atomic():
        if wanted.kind == Release.Kind.COUNTS:
            tables = [t for t in counts.TABLES if t in wanted.tables]
            if not tables:
                raise ReleaseRefused(_("Choose at least one table to publish."))
            budget.lock()
            if not budget.fits(wanted.epsilon):
                raise ReleaseRefused(
                    _(
                        "This release would exceed the privacy budget: %(remaining).2f of %(total).2f is "
                        "left, and one release may spend at most %(max).2f. Choose a smaller ε or publish "
                        "less often."
                    )
                    % {
                        "remaining": budget.remaining(),
                        "total": budget.total_budget(),
                        "max": budget.max_per_release(),
                    }
                )
            release.epsilon = wanted.epsilon
            release.options = {"tables": tables}
        else:
            if not wanted.partner.strip():
                raise ReleaseRefused(_("Name the partner organisation that will receive the dataset."))
            _build_dataset(release, wanted)
        release.save()
        record(user, "request_release", release)
    return release


def _build_dataset(release: Release, wanted: ReleaseRequest) -> None:
    optional = [c for c in generalize.OPTIONAL if c in wanted.columns]
    columns = generalize.columns_for(optional)
    acts = eligible_acts(release.compartments, release.period_start, release.period_end, _today())
    rows = generalize.generalize(acts, release.granularity, wanted.place_level, optional)
    try:
        checked = anonymity.make_anonymous(rows, columns, k=wanted.k, l=wanted.l)
    except anonymity.NotAnonymous as refused:
        if refused.reason == "empty":
            raise ReleaseRefused(
                _("No act in this period may be released (consent to publication, age, confidentiality).")
            ) from None
        raise ReleaseRefused(
            _(
                "These rows cannot be made anonymous: %(suppressed)d of %(total)d would have to be removed "
                "to reach k = %(k)d and l = %(l)d. Choose coarser time units or places, or fewer columns."
            )
            % {"suppressed": refused.suppressed, "total": refused.total, "k": wanted.k, "l": wanted.l}
        ) from None
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(checked.rows)
    release.rows_csv = out.getvalue()
    release.options = {"place": wanted.place_level, "columns": columns, "k": wanted.k, "l": wanted.l}
    release.summary = {
        "rows": len(checked.rows),
        "suppressed": checked.suppressed,
        "k": checked.k,
        "l": checked.l,
    }


def approve_release(release_id: uuid.UUID, user: Any) -> Release:
    """A second coordinator approves; a counts release is computed and published at this moment."""
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release_id)
        check_second_approver(release.requested_by_id, user, already_approved=release.is_approved)
        if release.kind == Release.Kind.COUNTS:
            release.figures = compute_figures(release)
        release.approved_by = user
        release.approved_at = timezone.now()
        release.status = Release.Status.PUBLISHED
        release.save(update_fields=["figures", "approved_by", "approved_at", "status"])
        record(user, "approve_release", release)
    return release


def domains(unit: str, start: date, end: date) -> dict[str, list[str]]:
    act_types = list(
        Term.objects.filter(vocabulary__code="act_type", parent__isnull=True)
        .order_by("sort_order", "code")
        .values_list("code", flat=True)
    )
    return {"act_type": act_types, "region": region_codes(), "period": periods_between(start, end, unit)}


def compute_figures(release: Release) -> dict[str, Any]:
    """Noisy, suppressed one-way tables: ε split evenly between them (basic composition)."""
    assert release.epsilon is not None
    acts = counts.bound_contributions(
        eligible_acts(release.compartments, release.period_start, release.period_end, _today())
    )
    tables = counts.true_tables(
        acts,
        domains(release.granularity, release.period_start, release.period_end),
        release.granularity,
        release.tables(),
    )
    per_table = release.epsilon / len(tables)
    scale = noise.laplace_scale(per_table, counts.MAX_ACTS_PER_PERSON)
    min_cell = noise.threshold(scale)
    published: dict[str, Any] = {
        "epsilon": release.epsilon,
        "epsilon_per_table": per_table,
        "sensitivity": counts.MAX_ACTS_PER_PERSON,
        "scale": scale,
        "min_cell": min_cell,
        "tables": {},
    }
    for table in tables:
        noisy = noise.noisy_counts(table.counts, per_table, counts.MAX_ACTS_PER_PERSON)
        shown = noise.suppress(noisy, min_cell)
        published["tables"][table.name] = [[k, n] for k, n in zip(table.keys, shown, strict=True)]
    return published


def may_download(user: Any, release: Release) -> bool:
    """Only the requester and the approver: a dataset is built from the requester's compartments, and
    least privilege (threat model 3) keeps it from every other holder of the export capability."""
    return release.is_approved and user.pk in (release.requested_by_id, release.approved_by_id)


def record_download(user: Any, release: Release) -> None:
    record(user, "export_partner_dataset", release)


def withdraw_release(release_id: uuid.UUID, user: Any) -> None:
    """The requester or a coordinator withdraws a pending release, which gives its reserved ε back: no
    noise was drawn for it, so nothing was learnt from it."""
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release_id)
        if release.is_approved:
            raise ReleaseRefused(_("This release is already published and cannot be withdrawn."))
        if release.requested_by_id != user.pk and not has_capability(user, Capability.MANAGE_USERS):
            raise ReleaseRefused(
                _("Only the person who asked for this release, or a coordinator, can withdraw it.")
            )
        record(user, "withdraw_release", release)
        release.delete()
