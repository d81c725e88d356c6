"""Linkage inside the instance: the persons or the incidents of one compartment through the model, into
links to review.

The stages: ``person_records`` (decrypt and map, in memory) or ``incident_records`` (coded fields
only) → ``model.link`` or ``incident_model.link_incidents`` (Splink on DuckDB in memory) → ``store``
(one link per pair the model found plausible) → clusters (``decisions.recompute_clusters``). A run is
started from the review screen (``start``) and carried out by the worker (``jobs.run_linkage`` →
``run``), because it needs a few seconds and, for persons, the unsealed vault.

Threats answered here:
- Seizure of the disk (threat model 1): names and dates are decrypted into ``PersonRecord`` objects in
  this process's memory only; the model keeps them in an in-memory DuckDB with spilling off. What is
  stored is ids, probabilities and decisions. An incident record holds no title or narrative at all:
  its date, place, act codes, victims' cluster ids and source type are enough to compare reports.
- A reviewer learning what another team holds (threat model 3): a run reads one compartment, so a
  link never joins persons (or incidents) of two compartments.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from khronika.accounts.models import Compartment
from khronika.ledger.services import Event, object_ref, record, record_events
from khronika.linkage import normalise
from khronika.linkage.decisions import recompute_clusters
from khronika.linkage.models import ClusterMember, Link, LinkageRun
from khronika.linkage.subjects import SUBJECTS
from khronika.linkage.types import REVIEW_BAND, IncidentRecord, LinkageResult, PersonRecord, UncertainPair
from khronika.records.dates import format_partial_date
from khronika.records.models import Act, Incident, Information, Person, Place

REVIEW_FROM, AUTO_CONFIRM_FROM = REVIEW_BAND
"""Pairs from the model's lower review bound go to a reviewer; from its upper bound they merge without
review (the model's own thresholds, so that tuning the model moves both)."""

JOB_KIND = "linkage.run"


def start(compartment: Compartment, user: Any, subject: str = LinkageRun.Subject.PERSONS) -> LinkageRun:
    """Queue a run over the persons (or incidents) of ``compartment`` for the worker; the caller checked
    the user may reach it."""
    from khronika.worker.jobs import enqueue  # the worker app imports jobs modules, not the reverse

    with transaction.atomic():
        run = LinkageRun.objects.create(compartment=compartment, started_by=user, subject=subject)
        record(user, "create", run)
        enqueue(JOB_KIND, {"run": str(run.pk)}, idempotency_key=f"{JOB_KIND}:{run.pk}")
    return run


def run(run_id: str) -> LinkageRun:
    """Carry out one queued run. Idempotent: a finished run is left alone, and a rerun after a crash
    meets the links it already stored (``store`` updates them instead of adding twins)."""
    linkage_run = LinkageRun.objects.select_related("compartment").get(pk=run_id)
    if linkage_run.state == LinkageRun.State.DONE:
        return linkage_run
    LinkageRun.objects.filter(pk=run_id).update(state=LinkageRun.State.RUNNING)
    try:
        compared, result = _link(linkage_run)
        clusters = {a.record_id: a.cluster_id for a in result.assignments}
        proposed, confirmed = store(linkage_run, result.uncertain_pairs, clusters)
    except Exception:
        LinkageRun.objects.filter(pk=run_id).update(state=LinkageRun.State.FAILED, finished_at=timezone.now())
        raise
    linkage_run.state = LinkageRun.State.DONE
    linkage_run.finished_at = timezone.now()
    linkage_run.persons, linkage_run.proposed, linkage_run.confirmed = compared, proposed, confirmed
    linkage_run.save()
    return linkage_run


def _link(linkage_run: LinkageRun) -> tuple[int, LinkageResult]:
    """The run's records through the model of its subject: (records compared, the model's result).

    The upper bound of the band is opened so that the model also returns the pairs above it, which
    ``store`` confirms; the model itself is used exactly as tuned.
    """
    # Imported here: Splink, DuckDB and pandas would otherwise load into every web and worker process
    # at start, where all memory is locked (vault/hardening.py).
    from khronika.linkage import model

    options = model.ModelOptions(review_band=(REVIEW_FROM, math.inf))
    if linkage_run.subject == LinkageRun.Subject.INCIDENTS:
        from khronika.linkage import incident_model

        incidents = incident_records(linkage_run.compartment)
        return len(incidents), incident_model.link_incidents(incidents, options)
    persons = person_records(linkage_run.compartment)
    return len(persons), model.link(persons, options)


def store(
    linkage_run: LinkageRun, pairs: Iterable[UncertainPair], clusters: Mapping[str, str] | None = None
) -> tuple[int, int]:
    """One link per pair at or above ``REVIEW_FROM``; returns (new pairs for review, automatic merges).

    A pair a human (or an earlier run) already decided keeps its decision: a run never undoes a
    reviewer's "different people" nor re-merges a split. A pair still waiting gets the new probability,
    and merges if it now reaches ``AUTO_CONFIRM_FROM`` and the model put both records in one cluster
    (``clusters``: record id → cluster id). The incident model keeps apart strong pairs whose
    victims differ (a report naming no victim that fits two incidents); merging them here would undo
    that, so they wait for a reviewer instead.
    """
    compartment = linkage_run.compartment
    subject = SUBJECTS[linkage_run.subject]
    ids = subject.records().filter(compartment=compartment).values_list("id", flat=True)
    members = set(map(str, ids))
    proposed = confirmed = 0
    merges: list[Link] = []
    now = timezone.now()
    with transaction.atomic():
        for pair in pairs:
            if pair.match_probability < REVIEW_FROM:
                continue
            left, right = sorted((pair.record_id_left, pair.record_id_right))
            if left == right or left not in members or right not in members:
                continue  # never link across compartments, whatever the caller passed in
            together = clusters is None or clusters.get(left) == clusters.get(right)
            automatic = pair.match_probability >= AUTO_CONFIRM_FROM and together
            state = Link.State.CONFIRMED if automatic else Link.State.PROPOSED
            link, created = subject.links().get_or_create(
                left_id=left,
                right_id=right,
                defaults={
                    "compartment": compartment,
                    "probability": pair.match_probability,
                    "run": linkage_run,
                    "state": state,
                    "automatic": automatic,
                    "decided_at": now if automatic else None,
                },
            )
            if not created:
                if link.state != Link.State.PROPOSED:
                    continue
                link.probability, link.run = pair.match_probability, linkage_run
                if automatic:
                    link.state, link.automatic, link.decided_at = state, True, now
                link.save()
            if automatic:
                merges.append(link)
                confirmed += 1
            elif created:
                proposed += 1
        if merges:
            # The model's merges are decisions too: ledgered as the system's, with the link's opaque id.
            record_events(None, [Event("merge", *object_ref(link)) for link in merges])
            recompute_clusters(compartment, subject)
    return proposed, confirmed


# Decrypting and mapping --------------------------------------------------------------------------


def person_records(compartment: Compartment) -> list[PersonRecord]:
    """Every person of ``compartment`` as a linkage record, decrypted in memory (needs the vault)."""
    persons = list(
        Person.objects.filter(compartment=compartment).select_related("region__parent").order_by("created_at")
    )
    first_incident = first_incidents([p.pk for p in persons], compartment)
    return [to_record(person, first_incident.get(person.pk)) for person in persons]


def first_incidents(person_ids: Sequence[Any], compartment: Compartment) -> dict[Any, Incident]:
    """Each person's earliest incident as a victim, within ``compartment``."""
    acts = (
        Act.objects.filter(victim_id__in=person_ids, incident__compartment=compartment)
        .select_related("incident__place__parent", "incident__region")
        .order_by(F("incident__date_start").asc(nulls_last=True))
        .defer("incident__title", "incident__narrative", "incident__vault_data", "description", "vault_data")
    )
    first: dict[Any, Incident] = {}
    for act in acts:
        first.setdefault(act.victim_id, act.incident)
    return first


def _place_fields(place: Place | None) -> tuple[str, str]:
    """(region code, town name) of a gazetteer place, as the person CSV has them."""
    if place is None:
        return "", ""
    region = place.region
    town = place.name_ru if place.kind in (Place.Kind.CITY, Place.Kind.TOWN) else ""
    return (region.code if region else ""), town


def _checked_date(text: str) -> str:
    """A stored birth date the model can read, or nothing (an old free-text value must not stop a run)."""
    try:
        return text if normalise.parse_partial_date(text) else ""
    except ValueError:
        return ""


def to_record(person: Person, incident: Incident | None) -> PersonRecord:
    """The linkage record of a person: identity from the vault, place and date from the first incident
    (the home region when there is no incident place)."""
    region, town = _place_fields(incident.place if incident else None)
    if not region:
        region, town = _place_fields(person.region)
    return PersonRecord(
        record_id=str(person.pk),
        given_name=person.given_name,
        family_name=person.family_name,
        patronymic=person.patronymic,
        birth_date=_checked_date(person.birth_date),
        incident_date=format_partial_date(incident.date_start, incident.date_precision) if incident else "",
        region=region,
        town=town,
    )


def incident_records(compartment: Compartment) -> list[IncidentRecord]:
    """Every incident of ``compartment`` as a linkage record, from coded fields only.

    Nothing encrypted is read (no title, narrative or source text): the date at its precision, the
    place, the act-type codes, the victims (as their person cluster ids, so that two reports naming
    two merged mentions of one person share a victim) and the type of the earliest source.
    """
    incidents = list(
        Incident.objects.filter(compartment=compartment)
        .select_related("place__parent")
        .only("id", "date_start", "date_precision", "created_at", "place")
        .order_by("created_at")
    )
    acts: dict[Any, set[str]] = {}
    victims: dict[Any, set[str]] = {}
    person_cluster = dict(
        ClusterMember.objects.filter(compartment=compartment).values_list("person_id", "cluster_id")
    )
    for incident_id, code, victim in Act.objects.filter(incident__compartment=compartment).values_list(
        "incident_id", "act_type__code", "victim_id"
    ):
        acts.setdefault(incident_id, set()).add(code)
        if victim is not None:
            victims.setdefault(incident_id, set()).add(str(person_cluster.get(victim, victim)))
    source: dict[Any, str] = {}
    information = Information.objects.filter(incident__compartment=compartment).order_by("retrieved_on", "id")
    for incident_id, kind in information.values_list("incident_id", "source__source_type__code"):
        source.setdefault(incident_id, kind)
    records = []
    for incident in incidents:
        region, town = _place_fields(incident.place)
        records.append(
            IncidentRecord(
                record_id=str(incident.pk),
                date=format_partial_date(incident.date_start, incident.date_precision),
                region=region,
                town=town,
                act_types=tuple(sorted(acts.get(incident.pk, ()))),
                persons=tuple(sorted(victims.get(incident.pk, ()))),
                source=source.get(incident.pk, ""),
            )
        )
    return records
