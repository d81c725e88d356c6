"""Server-side SVG: the tile-grid map of the federal subjects and the timeline.

Rendered here as text, so the charts work with JavaScript off, in Tor Browser's safest mode and in the
PDF, and load nothing from anywhere. Colours are presentation attributes, not ``style`` attributes, so
the strict Content-Security-Policy needs no ``unsafe-inline``. Every label is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

from khronika.publishing.tiles import cells

# Five shades of one hue (light to dark), readable in greyscale print; grey for suppressed cells.
SHADES = ("#f1eef6", "#d0d1e6", "#a6bddb", "#3690c0", "#034e7b")
SUPPRESSED = "#bdbdbd"
NO_DATA = "#ffffff"
CELL, GAP = 44, 4
FONT = "DejaVu Sans, sans-serif"


def _shade(value: int | None, top: int) -> str:
    if value is None:
        return SUPPRESSED
    if value <= 0 or top <= 0:
        return NO_DATA
    return SHADES[min(len(SHADES) - 1, (value * len(SHADES) - 1) // top)]


def tile_map(values: dict[str, int | None], name_of: Callable[[str], str], title: str) -> SafeString:
    """One equal square per federal subject, shaded by its count; suppressed cells grey."""
    layout = cells()
    width = (max(c["col"] for c in layout) + 1) * (CELL + GAP) + GAP
    height = (max(c["row"] for c in layout) + 1) * (CELL + GAP) + GAP
    top = max((v for v in values.values() if v is not None), default=0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tile-map" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" font-family="{FONT}">',
        f"<title>{escape(title)}</title>",
    ]
    for cell in layout:
        x, y = GAP + cell["col"] * (CELL + GAP), GAP + cell["row"] * (CELL + GAP)
        value = values.get(cell["code"])
        fill = _shade(value, top)
        ink = "#ffffff" if fill in SHADES[3:] else "#111111"
        shown = "–" if value is None else str(value)
        parts.append(
            f'<g class="tile" data-code="{escape(cell["code"])}"><title>{escape(name_of(cell["code"]))}: '
            f"{escape(shown)}</title>"
            f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" fill="{fill}" stroke="#555555" '
            f'stroke-width="1"/>'
            f'<text x="{x + CELL / 2}" y="{y + 17}" font-size="11" text-anchor="middle" fill="{ink}">'
            f"{escape(cell['label'])}</text>"
            f'<text x="{x + CELL / 2}" y="{y + 34}" font-size="11" text-anchor="middle" fill="{ink}">'
            f"{escape(shown)}</text></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped or a number)


def timeline(series: Sequence[tuple[str, int | None]], title: str) -> SafeString:
    """Bars per period; a suppressed period is a grey stub, so a gap is never read as zero."""
    bar, gap, left, bottom, plot = 22, 6, 44, 46, 180
    width = left + max(1, len(series)) * (bar + gap) + gap
    height = plot + bottom + 10
    top = max((v for _, v in series if v is not None), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" font-family="{FONT}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{plot + 10}" x2="{width}" y2="{plot + 10}" stroke="#333333"/>',
        f'<text x="{left - 6}" y="{18}" font-size="11" text-anchor="end">{top}</text>',
        f'<text x="{left - 6}" y="{plot + 10}" font-size="11" text-anchor="end">0</text>',
    ]
    for i, (label, value) in enumerate(series):
        x = left + gap + i * (bar + gap)
        h = 6 if value is None else max(0, round(plot * value / top))
        fill = SUPPRESSED if value is None else SHADES[4]
        shown = "–" if value is None else str(value)
        parts.append(
            f'<g class="bar"><title>{escape(label)}: {escape(shown)}</title>'
            f'<rect x="{x}" y="{plot + 10 - h}" width="{bar}" height="{h}" fill="{fill}"/>'
            f'<text x="{x + bar / 2}" y="{plot + 24}" font-size="9" text-anchor="end" '
            f'transform="rotate(-45 {x + bar / 2} {plot + 24})">{escape(label)}</text></g>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped or a number)
