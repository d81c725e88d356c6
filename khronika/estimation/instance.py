"""Estimation from this instance's own records: linked persons → capture histories → estimates → rows.

The stages, each a function:

1. ``capture_rows`` reads coded fields only (ids, codes, dates: no encrypted field, so no unseal) and
   returns one row per (linked person, list, stratum);
2. ``stratum_tables`` turns them into one capture-history table per stratum through
   ``histories.from_clusters``;
3. ``estimate_into`` estimates every table that can be estimated (log-linear and LCMCR,
   ``report.estimate_all``) and stores the figures as ``Estimate`` rows, and every refusal with its
   reason, in one ledgered ``EstimationRun``.

The page does not wait for stage 3 (seconds per stratum, mostly LCMCR: a browser or a proxy would time
out, and a web thread would be held): ``runs.start`` queues the run, and the worker's job
(``jobs.run_estimation``) calls ``carry_out``. ``run`` does all three stages in the calling process,
for scripts and tests.

**What a list is.** The type of the source that told us (``Source.source_type``: the victim, a lawyer,
a media outlet, a Telegram channel, a partner organisation…). The source's own name cannot be the list:
it is encrypted (a lawyer's or a witness's name identifies them, threat model 1) and free text, so it is
neither readable without the vault nor a stable category; ``Organisation`` is the perpetrator unit, not
who reported. A source type is a way cases reach us, which is what capture-recapture needs: each list
must find people by its own route. Seventeen types would make tables of 2**17 cells, almost all empty,
so the ``KEPT_LISTS`` types that reached the most people stay lists of their own and the rest are
pooled into ``other`` (pooling lists is sound; it only hides dependence between the pooled ones).

**Who is on a list.** The victim of an act is on the list of every source that reported that act, or
that reported its incident without naming an act (information about an incident concerns all its
acts). Persons merged by the linkage (``ClusterMember``) are one person: a cluster is on a list once
however many of its mentions that list holds, and counts once per stratum.

**Consent.** Only people who agreed to anonymous statistics count (``Consent.Scope.STATISTICS``, not
withdrawn): the consent model's rule, no row, no use. A cluster counts when any of its persons has the
consent: the persons of a cluster are one human, recorded more than once, and the consent was given by
that human, often on one record only. The others are left out entirely and only their number is
returned, so a coordinator can see how much the consent gate removes. Withdrawing the consent removes
the person from the next run; estimates already stored are not recomputed (they are counts, and the
coordinator can unpublish them).

**Confidential incidents** are left out too: they never leave the organisation in any form
(``publishing.eligibility``), and a stored estimate may be published. This lowers the estimates by
about the share of confidential acts; the run stores how many acts were left out so that can be judged.
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from khronika.estimation import histories, report
from khronika.estimation.histories import CaptureHistories, EstimationRefused
from khronika.estimation.models import Dimension, Estimate, EstimationRun
from khronika.ledger.services import Event, object_ref, record_events
from khronika.linkage.models import ClusterMember
from khronika.publishing.eligibility import act_type_roots
from khronika.records.models import Act, Consent, Incident, Information, Person

KEPT_LISTS = 4
"""Source types kept as lists of their own; the rest are pooled into ``POOLED_LIST``. Five lists at
most: the log-linear search is exhaustive up to four and stepwise up to six, and a small instance rarely
has enough people on a sixth list to tell it apart."""
POOLED_LIST = "other"

STRATA = (Dimension.ALL, Dimension.REGION, Dimension.YEAR, Dimension.ACT_TYPE)


@dataclass(frozen=True)
class CaptureRows:
    """Rows for ``histories.from_clusters`` and what the consent and confidentiality gates removed."""

    rows: list[dict[str, Any]]
    lists: tuple[str, ...]
    counted: int
    """Linked persons (clusters) with the consent who are on at least one list."""
    left_out: int
    """Linked persons (clusters) victim of an act here, left out for want of the consent."""
    confidential: int
    """Acts left out because their incident is confidential."""


@dataclass
class Outcome:
    """What ``run`` made: the stored run, its estimates, and the refusals per stratum."""

    run: EstimationRun
    estimates: list[Estimate] = field(default_factory=list)


def capture_rows(
    compartments: Iterable[int],
    *,
    scopes: Sequence[str] = (Consent.Scope.STATISTICS,),
    ended_by: date | None = None,
    lists: Sequence[str] | None = None,
) -> CaptureRows:
    """One row per (linked person, list, region, year, act type) in ``compartments``; see the module.

    ``scopes``: the consents a person needs (all of them, on one record of the cluster). ``ended_by``:
    only incidents that started and ended by that day (the publication age gate). ``lists``: use these
    lists (pooling the other source types into ``other`` if it is one of them, else dropping them)
    instead of choosing them from the data, so that a second table has the columns of a first.
    """
    found = Act.objects.filter(incident__compartment__in=list(compartments), victim__isnull=False)
    if ended_by is not None:
        found = found.filter(incident__date_start__lte=ended_by).filter(
            Q(incident__date_end__isnull=True) | Q(incident__date_end__lte=ended_by)
        )
    acts = list(
        found.values_list(
            "id",
            "victim_id",
            "incident_id",
            "incident__region__code",
            "incident__date_start",
            "act_type__code",
            "incident__confidentiality",
        )
    )
    confidential = sum(1 for *_rest, secrecy in acts if secrecy == Incident.Confidentiality.CONFIDENTIAL)
    acts = [a for a in acts if a[6] != Incident.Confidentiality.CONFIDENTIAL]
    victims = {a[1] for a in acts}
    cluster_of = dict(
        ClusterMember.objects.filter(person_id__in=victims).values_list("person_id", "cluster_id")
    )
    clusters = {cluster_of.get(v, v) for v in victims}
    members: dict[Any, Any] = dict(
        ClusterMember.objects.filter(cluster_id__in=clusters).values_list("person_id", "cluster_id")
    )
    persons = victims | set(members)
    consenting = set(persons)
    for scope in scopes:
        consenting &= set(
            Person.objects.with_consent(scope).filter(id__in=persons).values_list("id", flat=True)
        )
    consenting_clusters = {members.get(p, p) for p in consenting}

    by_act: defaultdict[Any, set[str]] = defaultdict(set)
    by_incident: defaultdict[Any, set[str]] = defaultdict(set)
    incidents = {a[2] for a in acts}
    for incident, act, kind in Information.objects.filter(incident__in=incidents).values_list(
        "incident_id", "act_id", "source__source_type__code"
    ):
        (by_act[act] if act is not None else by_incident[incident]).add(kind)

    roots = act_type_roots()
    raw: set[tuple[str, str, str, int | None, str]] = set()
    for act, victim, incident, region, day, kind, _secrecy in acts:
        cluster = cluster_of.get(victim, victim)
        if cluster not in consenting_clusters:
            continue
        for source_type in by_act[act] | by_incident[incident]:
            year = day.year if day is not None else None
            raw.add((str(cluster), source_type, region or "", year, roots.get(kind, kind)))

    chosen = tuple(lists) if lists is not None else _lists(raw)
    kept = set(chosen) - {POOLED_LIST}
    rows = [
        {
            "cluster_id": cluster,
            "list_name": source_type if source_type in kept else POOLED_LIST,
            "region": region,
            "year": year,
            "act_type": act_type,
        }
        for cluster, source_type, region, year, act_type in sorted(raw, key=str)
        if source_type in kept or POOLED_LIST in chosen
    ]
    return CaptureRows(
        rows=rows,
        lists=chosen,
        counted=len({row["cluster_id"] for row in rows}),
        left_out=len(clusters - consenting_clusters),
        confidential=confidential,
    )


def _lists(raw: Iterable[tuple[str, str, str, int | None, str]]) -> tuple[str, ...]:
    """The ``KEPT_LISTS`` source types that reached the most people, then ``other`` if any remain."""
    reach: defaultdict[str, set[str]] = defaultdict(set)
    for cluster, source_type, *_rest in raw:
        reach[source_type].add(cluster)
    ranked = sorted(reach, key=lambda name: (-len(reach[name]), name))
    kept = [name for name in ranked if name != POOLED_LIST][:KEPT_LISTS]
    pooled = set(ranked) - set(kept)
    return tuple(sorted(kept)) + ((POOLED_LIST,) if pooled else ())


def stratum_tables(
    rows: Sequence[Mapping[str, Any]], lists: Sequence[str]
) -> dict[tuple[str, str], CaptureHistories]:
    """One table per (dimension, stratum): everything, then each region, year and kind of act.

    A person harmed in two regions is in both regions' tables (once in each) and once in "all": each
    table counts the people it is about. Rows without a region or a date are only in "all".
    """
    tables: dict[tuple[str, str], CaptureHistories] = {}
    for dimension in STRATA:
        keyed = []
        for row in rows:
            label = "all" if dimension == Dimension.ALL else row[dimension]
            if label in ("", None):
                continue
            keyed.append(
                {
                    "cluster_id": (row["cluster_id"], str(label)),
                    "list_name": row["list_name"],
                    "s": str(label),
                }
            )
        for (label,), table in histories.from_clusters(keyed, strata=("s",), lists=lists).items():
            tables[(str(dimension), label)] = without_empty_lists(table)
    return tables


def without_empty_lists(table: CaptureHistories) -> CaptureHistories:
    """``table`` without the lists nobody in it is on: a source type that never reached a region is not
    a list there (its capture probability is nil), and keeping it would refuse the whole stratum."""
    if not len(table.counts):
        return table
    used = (table.patterns.T.astype(np.int64) @ table.counts) > 0
    if used.all():
        return table
    patterns = table.patterns[:, used]
    rows: Counter[tuple[int, ...]] = Counter()
    for pattern, count in zip(patterns.tolist(), table.counts.tolist(), strict=True):
        rows[tuple(pattern)] += count
    names = [name for name, keep in zip(table.lists, used.tolist(), strict=True) if keep]
    return histories.build(names, rows)


def carry_out(run_id: str) -> EstimationRun:
    """The worker's half of ``runs.start``: estimate a queued run and store the results.

    Idempotent: a finished or failed run is left alone, and a run interrupted half-way (its worker
    killed) stored nothing, since the estimates and the status are saved in one transaction; it is
    simply estimated again. A failure is stored in plain words and ledgered; the job then fails for
    good (``PermanentJobError``): estimating the same records again would fail the same way, and the
    user can press the button once the cause is fixed.
    """
    from khronika.worker.jobs import JobTimeout, PermanentJobError

    estimation_run = EstimationRun.objects.get(pk=run_id)
    if estimation_run.status in (EstimationRun.Status.DONE, EstimationRun.Status.FAILED):
        return estimation_run
    EstimationRun.objects.filter(pk=run_id).update(status=EstimationRun.Status.RUNNING)
    try:
        estimate_into(estimation_run, None, iterations=lcmcr_iterations(), chains=lcmcr_chains())
    except Exception as exc:
        reason = _TOO_LONG if isinstance(exc, JobTimeout) else _FAILED
        with transaction.atomic():
            EstimationRun.objects.filter(pk=run_id).update(
                status=EstimationRun.Status.FAILED, error=reason, finished_at=timezone.now()
            )
            record_events(None, [Event("estimation_failed", *object_ref(estimation_run))])
        raise PermanentJobError(reason) from exc
    estimation_run.refresh_from_db()
    return estimation_run


def lcmcr_iterations() -> int:
    """LCMCR sweeps per chain for runs and publications (``ESTIMATION_LCMCR_ITERATIONS``, 10,000)."""
    return int(getattr(settings, "ESTIMATION_LCMCR_ITERATIONS", 10_000))


def lcmcr_chains() -> int:
    """LCMCR chains for runs and publications (``ESTIMATION_LCMCR_CHAINS``, 4)."""
    return int(getattr(settings, "ESTIMATION_LCMCR_CHAINS", 4))


def run(user: Any, compartments: Sequence[int], *, iterations: int = 10_000, chains: int = 4) -> Outcome:
    """Estimate every stratum of ``compartments`` now, in this process, and store the results.

    The caller has checked that ``user`` may (``Capability.EXPORT``) and passes ``user``'s own
    compartments: an estimate never draws on records its maker could not see. The page does not call
    this (it queues ``start`` for the worker); scripts, benchmarks and tests do.
    """
    estimation_run = EstimationRun.objects.create(
        status=EstimationRun.Status.RUNNING,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        compartments=sorted(compartments),
    )
    return estimate_into(estimation_run, user, iterations=iterations, chains=chains)


def estimate_into(estimation_run: EstimationRun, actor: Any, *, iterations: int, chains: int) -> Outcome:
    """Estimate every stratum of ``estimation_run``'s compartments and store the results in it, in one
    transaction with its status ``done``; ledgered as ``actor``'s (None: the worker's)."""
    compartments = estimation_run.compartments
    captured = capture_rows(compartments)
    seed = secrets.randbelow(2**31)
    tables = stratum_tables(captured.rows, captured.lists) if captured.rows else {}
    refusals: list[dict[str, Any]] = []
    results: list[tuple[str, str, CaptureHistories, dict[str, Any]]] = []
    for (dimension, stratum), table in tables.items():
        why = histories.refusal(table)
        if why is not None:
            refusals.append(refusal_entry(dimension, stratum, "", why))
            continue
        # One method at a time, so that a method's refusal keeps its untranslated message.
        for method in report.METHODS:
            try:
                estimated = report.estimate_all(
                    table, (method,), seed=seed, iterations=iterations, chains=chains
                )
            except EstimationRefused as refused:
                refusals.append(refusal_entry(dimension, stratum, method, refused))
            else:
                results.extend((dimension, stratum, table, result) for result in estimated["results"])
    if not tables:
        refusals.append(refusal_entry(str(Dimension.ALL), "all", "", _NOTHING))

    with transaction.atomic():
        estimation_run.lists = list(captured.lists)
        estimation_run.counted = captured.counted
        estimation_run.left_out = captured.left_out
        estimation_run.confidential = captured.confidential
        estimation_run.refusals = refusals
        estimation_run.seed = seed
        estimation_run.status = EstimationRun.Status.DONE
        estimation_run.finished_at = timezone.now()
        estimation_run.save()
        outcome = Outcome(estimation_run)
        for dimension, stratum, table, result in results:
            outcome.estimates.append(
                store_estimate(
                    result,
                    table,
                    run=estimation_run,
                    dimension=dimension,
                    stratum=stratum,
                    created_by=estimation_run.created_by,
                )
            )
        record_events(
            actor,
            [Event("create", *object_ref(estimation_run))]
            + [Event("create", *object_ref(estimate)) for estimate in outcome.estimates],
        )
    return outcome


def store_estimate(result: dict[str, Any], table: CaptureHistories, **where: Any) -> Estimate:
    """Store an estimator's ``result`` on ``table``; ``where`` names the run, stratum and author (and,
    for a published version, its noisy table)."""
    return Estimate.objects.create(
        method=result["method"],
        lists=list(table.lists),
        documented=table.documented,
        on_several_lists=table.on_several_lists,
        estimate=result["estimate"],
        lower=result["lower"],
        upper=result["upper"],
        model=result["model"][:500],
        diagnostics=result["diagnostics"],
        **where,
    )


_NOTHING = EstimationRefused(
    "no_data",
    translation.gettext_noop(
        "No act in your compartments has a victim who agreed to anonymous statistics and a source: "
        "there is nothing to estimate from."
    ),
)


_FAILED = translation.gettext_noop(
    "The estimation stopped because of an unexpected error, and nothing was stored. Press “Estimate "
    "now” to try again; if it happens again, tell your administrator."
)
_TOO_LONG = translation.gettext_noop(
    "The estimation took longer than the background worker allows, and nothing was stored. Ask your "
    "administrator to raise the estimation's time limit (KHRONIKA_ESTIMATION_TIMEOUT_SECONDS)."
)


def refusal_entry(dimension: str, stratum: str, method: str, refused: EstimationRefused) -> dict[str, Any]:
    """A refusal as stored: the untranslated message and its parameters, translated when shown."""
    with translation.override(None):
        message_id = str(refused.message)
    return {
        "dimension": dimension,
        "stratum": stratum,
        "method": method,
        "code": refused.code,
        "message_id": message_id,
        "params": {key: _plain(value) for key, value in refused.params.items()},
    }


def _plain(value: Any) -> Any:
    return value if isinstance(value, int | float | str) else str(value)
