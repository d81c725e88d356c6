"""``{% also_recorded_as person %}`` / ``{% also_recorded_as incident %}``: the other mentions a reviewer
merged with this one."""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models

from khronika.linkage.decisions import also_recorded_as as cluster_members
from khronika.records.models import Incident

register = template.Library()


@register.inclusion_tag("linkage/also_recorded_as.html", takes_context=True)
def also_recorded_as(context: dict[str, Any], mention: models.Model) -> dict[str, Any]:
    """Pseudonyms or references only, and only records the viewer may see (``decisions.also_recorded_as``)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    detail = "records:incident_detail" if isinstance(mention, Incident) else "records:person_detail"
    return {"members": cluster_members(mention, user) if user is not None else [], "detail": detail}
