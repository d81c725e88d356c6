"""Without Pango (WeasyPrint cannot load), a PDF export is a plain page that says so, not a server error."""

import sys

from django.test import Client
from django.urls import reverse

from khronika.publishing.services import approve_release, request_release
from khronika.publishing.tests.conftest import counts_request


def test_the_public_report_pdf_says_plainly_that_pdf_cannot_be_made_here(
    coordinators, make_acts, generous_budget, monkeypatch
):
    make_acts(30, region="RU-CE")
    release = request_release(coordinators[0], counts_request(epsilon=generous_budget))
    approve_release(release.id, coordinators[1])
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as on a machine without its libraries

    response = Client().get(reverse("figures:report_pdf", args=["en"]))

    assert response.status_code == 503
    assert "PDF cannot be made here" in response.content.decode()
    assert "Pango" in response.content.decode()
