"""``{% also_recorded_as person %}``: the other mentions a reviewer merged with this person."""

from __future__ import annotations

from typing import Any

from django import template

from khronika.linkage.decisions import also_recorded_as as cluster_members
from khronika.records.models import Person

register = template.Library()


@register.inclusion_tag("linkage/also_recorded_as.html", takes_context=True)
def also_recorded_as(context: dict[str, Any], person: Person) -> dict[str, Any]:
    """Pseudonyms only, and only persons the viewer may see (``decisions.also_recorded_as``)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"members": cluster_members(person, user) if user is not None else []}
