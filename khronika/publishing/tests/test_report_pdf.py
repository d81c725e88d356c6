"""The report as PDF: rendered by WeasyPrint, then to PNG by pdftoppm, with its map and timeline drawn."""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from PIL import Image

from khronika.publishing.report import report_context
from khronika.publishing.services import approve_release, request_release
from khronika.publishing.tests.conftest import counts_request

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
DARKEST = (3, 78, 123)  # charts.SHADES[-1]: the busiest subject's tile and the timeline's bars


def _dark_pixels(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    data = image.crop(box).convert("RGB").tobytes()
    pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
    return sum(
        1 for r, g, b in pixels if abs(r - DARKEST[0]) + abs(g - DARKEST[1]) + abs(b - DARKEST[2]) < 30
    )


def test_the_pdf_report_shows_the_map_and_the_timeline(coordinators, make_acts, tmp_path, generous_budget):
    make_acts(30, region="RU-CE")
    release = request_release(coordinators[0], counts_request(epsilon=generous_budget))
    release = approve_release(release.id, coordinators[1])

    html = render_to_string("publishing/print/report.html", report_context(release, "ru"))
    assert html.count('class="tile"') == 85 and 'class="timeline"' in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")

    response = Client().get(reverse("figures:report_pdf", args=["ru"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(  # noqa: S603 (a fixed command on a file this test wrote)
        ["/usr/bin/pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    png = next(tmp_path.glob("page*.png"))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "publishing-report-page1.png").write_bytes(png.read_bytes())

    page = Image.open(png)
    width, height = page.size
    grey = page.convert("L")
    assert grey.getextrema()[0] < 100, "the page is blank"
    # The map sits in the upper half of page 1, the timeline below it: each holds the darkest shade.
    assert _dark_pixels(page, (0, 0, width, height // 2)) > 20, "no map tile drawn"
    assert _dark_pixels(page, (0, height // 2, width, height)) > 20, "no timeline bar drawn"


def test_the_pdf_link_goes_back_to_the_dashboard_when_nothing_is_published(db):
    response = Client().get(reverse("figures:report_pdf", args=["en"]))
    assert response.status_code == 302
