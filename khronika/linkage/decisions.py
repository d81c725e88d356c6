"""A reviewer's decisions on links, and the clusters they add up to.

Merging is reversible by design: "same person" (or "same incident") confirms a link, "different"
rejects it, and undoing a merge (a split) rejects a confirmed link. No ``Person`` or ``Incident`` is
ever changed or deleted here, so a wrong merge costs nothing to undo and the evidence each mention
carries stays as it was recorded. Every decision appends a ledger entry naming the link by its opaque
id and the user who decided (threat model 3: "who merged these two?" always has an answer). Person
links and incident links go through the same functions; ``subjects`` says which models each uses.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from khronika.accounts.access import visible
from khronika.accounts.models import Compartment
from khronika.ledger.services import record
from khronika.linkage.models import Link
from khronika.linkage.subjects import PERSONS, Subject, of_link, of_record


class AlreadyDecided(Exception):
    """The link is no longer in the state the decision needs (a second click, a colleague was faster)."""


def confirm(link: Link, user: Any) -> None:
    """ "Same person" / "same incident": merge the two into one cluster."""
    _decide(link, user, Link.State.PROPOSED, Link.State.CONFIRMED, "merge")


def reject(link: Link, user: Any) -> None:
    """ "Different": the pair is kept apart, and later runs do not propose it again."""
    _decide(link, user, Link.State.PROPOSED, Link.State.REJECTED, "keep_apart")


def undo(link: Link, user: Any) -> None:
    """Split a merge (a reviewer's or the model's): the link becomes rejected, the cluster is recomputed."""
    _decide(link, user, Link.State.CONFIRMED, Link.State.REJECTED, "split")


def _decide(link: Link, user: Any, before: str, after: str, action: str) -> None:
    subject = of_link(link)
    with transaction.atomic():
        # A conditional UPDATE: of two reviewers deciding the same pair at once, one wins.
        changed = (
            subject.links()
            .filter(pk=link.pk, state=before)
            .update(state=after, decided_by=user, decided_at=timezone.now(), automatic=False)
        )
        if changed != 1:
            raise AlreadyDecided
        link.refresh_from_db()
        record(user, action, link)
        if Link.State.CONFIRMED in (before, after):  # only confirmed links make clusters
            recompute_clusters(link.compartment, subject)


def recompute_clusters(compartment: Compartment, subject: Subject = PERSONS) -> None:
    """Rebuild the ``subject`` clusters of ``compartment`` from its confirmed links (connected components).

    Cheap enough to do after every decision: it reads ids only, and only confirmed links.
    """
    parent: dict[Any, Any] = {}

    def root(node: Any) -> Any:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    with transaction.atomic():
        # Two decisions in one compartment at once would each delete and re-insert its rows: the lock
        # on the compartment's row makes the second wait and then see the first one's links.
        list(Compartment.objects.select_for_update().filter(pk=compartment.pk).values_list("pk"))
        confirmed = subject.links().filter(compartment=compartment, state=Link.State.CONFIRMED)
        for left, right in confirmed.values_list("left_id", "right_id"):
            parent[root(left)] = root(right)
        records = subject.records().filter(id__in=list(parent))
        created = dict(records.values_list("id", "created_at"))
        groups: dict[Any, list[Any]] = {}
        for node in parent:
            if node in created:
                groups.setdefault(root(node), []).append(node)
        rows = []
        for members in groups.values():
            first = min(members, key=lambda pk: (created[pk], str(pk)))
            rows += [
                subject.member_model(
                    **{f"{subject.member_field}_id": pk}, compartment=compartment, cluster_id=first
                )
                for pk in members
            ]
        # Derived rows, not records.
        subject.members().filter(compartment=compartment).delete()
        subject.members().bulk_create(rows)


def also_recorded_as(mention: models.Model, user: Any) -> list[Any]:
    """The other persons (or incidents) of ``mention``'s cluster that ``user`` may see (none for a
    cluster of one)."""
    subject = of_record(mention)
    membership = subject.members().filter(**{subject.member_field: mention})
    cluster = membership.values_list("cluster_id", flat=True).first()
    if cluster is None:
        return []
    # visible(): clusters never cross compartments, but the check costs nothing and keeps it so.
    members = visible(subject.records().filter(linkage_cluster__cluster_id=cluster), user)
    return list(members.exclude(pk=mention.pk).order_by("created_at"))
