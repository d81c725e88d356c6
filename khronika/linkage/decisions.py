"""A reviewer's decisions on links, and the clusters they add up to.

Merging is reversible by design: "same person" confirms a link, "different people" rejects it, and
undoing a merge (a split) rejects a confirmed link. No ``Person`` is ever changed or deleted here, so a
wrong merge costs nothing to undo and the evidence each mention carries stays as it was recorded.
Every decision appends a ledger entry naming the link by its opaque id and the user who decided
(threat model 3: "who merged these two?" always has an answer).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from khronika.accounts.access import visible
from khronika.accounts.models import Compartment
from khronika.ledger.services import record
from khronika.linkage.models import ClusterMember, PersonLink
from khronika.records.models import Person


class AlreadyDecided(Exception):
    """The link is no longer in the state the decision needs (a second click, a colleague was faster)."""


def confirm(link: PersonLink, user: Any) -> None:
    """ "Same person": merge the two into one cluster."""
    _decide(link, user, PersonLink.State.PROPOSED, PersonLink.State.CONFIRMED, "merge")


def reject(link: PersonLink, user: Any) -> None:
    """ "Different people": the pair is kept apart, and later runs do not propose it again."""
    _decide(link, user, PersonLink.State.PROPOSED, PersonLink.State.REJECTED, "keep_apart")


def undo(link: PersonLink, user: Any) -> None:
    """Split a merge (a reviewer's or the model's): the link becomes rejected, the cluster is recomputed."""
    _decide(link, user, PersonLink.State.CONFIRMED, PersonLink.State.REJECTED, "split")


def _decide(link: PersonLink, user: Any, before: str, after: str, action: str) -> None:
    with transaction.atomic():
        # A conditional UPDATE: of two reviewers deciding the same pair at once, one wins.
        changed = PersonLink.objects.filter(pk=link.pk, state=before).update(
            state=after, decided_by=user, decided_at=timezone.now(), automatic=False
        )
        if changed != 1:
            raise AlreadyDecided
        link.refresh_from_db()
        record(user, action, link)
        if PersonLink.State.CONFIRMED in (before, after):  # only confirmed links make clusters
            recompute_clusters(link.compartment)


def recompute_clusters(compartment: Compartment) -> None:
    """Rebuild the clusters of ``compartment`` from its confirmed links (connected components).

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
        confirmed = PersonLink.objects.filter(compartment=compartment, state=PersonLink.State.CONFIRMED)
        for left, right in confirmed.values_list("left_id", "right_id"):
            parent[root(left)] = root(right)
        created = dict(Person.objects.filter(id__in=list(parent)).values_list("id", "created_at"))
        groups: dict[Any, list[Any]] = {}
        for node in parent:
            if node in created:
                groups.setdefault(root(node), []).append(node)
        rows = []
        for members in groups.values():
            first = min(members, key=lambda pk: (created[pk], str(pk)))
            rows += [ClusterMember(person_id=pk, compartment=compartment, cluster_id=first) for pk in members]
        ClusterMember.objects.filter(compartment=compartment).delete()  # derived rows, not persons
        ClusterMember.objects.bulk_create(rows)


def also_recorded_as(person: Person, user: Any) -> list[Person]:
    """The other persons of ``person``'s cluster that ``user`` may see (none for a cluster of one)."""
    cluster = ClusterMember.objects.filter(person=person).values_list("cluster_id", flat=True).first()
    if cluster is None:
        return []
    # visible(): clusters never cross compartments, but the check costs nothing and keeps it so.
    members = visible(Person.objects.filter(linkage_cluster__cluster_id=cluster), user)
    return list(members.exclude(pk=person.pk).order_by("created_at"))
