"""Stage 4: the report of a published counts release, as HTML (the public pages) and PDF.

Everything shown comes from the release's stored, already noisy figures: rendering a report reads no
record and spends no privacy budget, so it may be repeated for anyone, in either language.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from khronika.aid.rendering import html_to_pdf
from khronika.estimation.models import Dimension, Estimate
from khronika.publishing import charts
from khronika.publishing.models import Release
from khronika.publishing.tiles import OTHER_REGION
from khronika.records.models import Place, Term


def _names(language: str, codes: list[str]) -> dict[str, str]:
    field = "name_ru" if language == "ru" else "name_en"
    names = dict(Place.objects.filter(code__in=codes).values_list("code", field))
    names[OTHER_REGION] = _("Abroad or unknown")
    return names


def _act_labels(language: str) -> dict[str, str]:
    field = "label_ru" if language == "ru" else "label_en"
    return dict(Term.objects.filter(vocabulary__code="act_type").values_list("code", field))


def stored_estimates(language: str = "en") -> list[dict[str, Any]]:
    """The estimates a coordinator published (``khronika.estimation``), newest first, with their
    intervals: never a bare number, never one nobody decided to publish, and only differentially private
    versions (made from a noisy table), never an exact figure (threat model 5)."""
    published = Estimate.objects.filter(published=True, noisy_table__isnull=False)
    rows = list(published.order_by("-created_at", "dimension", "stratum")[:50])
    regions = _names(language, [r.stratum for r in rows if r.dimension == Dimension.REGION])
    acts = _act_labels(language)
    shown = []
    for row in rows:
        if row.dimension == Dimension.ALL:
            stratum = _("all regions, years and acts")
        elif row.dimension == Dimension.REGION:
            stratum = regions.get(row.stratum, row.stratum)
        elif row.dimension == Dimension.ACT_TYPE:
            stratum = acts.get(row.stratum, row.stratum)
        else:
            stratum = row.stratum
        shown.append(
            {
                "method": row.get_method_display(),
                "stratum": stratum,
                "estimate": row.estimate,
                "lower": row.lower,
                "upper": row.upper,
            }
        )
    return shown


def report_context(release: Release, language: str) -> dict[str, Any]:
    """What the report templates show, in ``language``."""
    with translation.override(language):
        tables: dict[str, list[list[Any]]] = release.figures.get("tables", {})
        context: dict[str, Any] = {"release": release, "figures": release.figures, "language": language}
        if "act_type" in tables:
            labels = _act_labels(language)
            context["by_act"] = [(labels.get(code, code), n) for code, n in tables["act_type"]]
        if "region" in tables:
            values = {code: n for code, n in tables["region"]}
            names = _names(language, list(values))
            context["by_region"] = [(names.get(c, c), n) for c, n in tables["region"] if n is not None]
            context["map_svg"] = charts.tile_map(
                values, lambda code: names.get(code, code), _("Documented acts by federal subject")
            )
        if "period" in tables:
            series = [(label, n) for label, n in tables["period"]]
            context["by_period"] = series
            context["timeline_svg"] = charts.timeline(series, _("Acts documented by period"))
        context["estimates"] = stored_estimates(language)
    return context


def report_pdf(release: Release, language: str) -> bytes:
    with translation.override(language):
        html = render_to_string("publishing/print/report.html", report_context(release, language))
    return html_to_pdf(html)
