"""The staff pages: request a release, approve it as a second coordinator, download a dataset."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

from django.test import Client
from django.urls import reverse

from khronika.accounts.roles import Role
from khronika.ledger.models import LedgerEntry
from khronika.publishing.models import Release
from khronika.testing.factories import UserFactory


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_an_analyst_requests_counts_and_a_coordinator_releases_them(team, coordinators, make_acts):
    make_acts(3)
    analyst = _client(team.analyst)
    form = {
        "kind": "counts",
        "start": "2025-01-01",
        "end": "2025-06-30",
        "granularity": "quarter",
        "tables": ["act_type", "region", "period"],
        "epsilon": "0.5",
    }
    response = analyst.post(reverse("publishing:release_create"), form)
    assert response.status_code == 302
    release = Release.objects.get()
    assert release.requested_by == team.analyst and release.status == Release.Status.PENDING

    page = _client(coordinators[0]).get(reverse("publishing:release_list")).content.decode()
    assert reverse("publishing:release_approve", args=[release.id]) in page
    response = _client(coordinators[0]).post(reverse("publishing:release_approve", args=[release.id]))
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.status == Release.Status.PUBLISHED and release.approved_by == coordinators[0]


def test_a_refused_request_shows_the_reason_on_the_form(coordinators):
    form = {
        "kind": "counts",
        "start": "2025-01-01",
        "end": "2025-03-31",
        "granularity": "year",
        "epsilon": "50",
    }
    response = _client(coordinators[0]).post(reverse("publishing:release_create"), form)
    assert response.status_code == 400
    assert "privacy budget" in response.content.decode()
    assert not Release.objects.exists()


def test_the_requester_sees_no_approve_button_and_cannot_approve_by_post(coordinators):
    client = _client(coordinators[0])
    form = {
        "kind": "counts",
        "start": "2025-01-01",
        "end": "2025-03-31",
        "granularity": "quarter",
        "tables": ["region"],
        "epsilon": "0.2",
    }
    client.post(reverse("publishing:release_create"), form)
    release = Release.objects.get()
    assert (
        reverse("publishing:release_approve", args=[release.id])
        not in client.get(reverse("publishing:release_list")).content.decode()
    )
    client.post(reverse("publishing:release_approve", args=[release.id]))
    release.refresh_from_db()
    assert not release.is_approved


def test_an_approved_dataset_downloads_with_its_bilingual_dictionary_and_is_ledgered(coordinators, make_acts):
    make_acts(5, act="deprivation-of-liberty")
    make_acts(5, act="coercion", day=date(2025, 3, 1))
    first, second = (_client(c) for c in coordinators)
    form = {
        "kind": "dataset",
        "start": "2025-01-01",
        "end": "2025-03-31",
        "granularity": "quarter",
        "place_level": "district",
        "k": "5",
        "l": "2",
        "partner": "Synthetic partner",
    }
    assert first.post(reverse("publishing:release_create"), form).status_code == 302
    release = Release.objects.get()
    download = reverse("publishing:release_download", args=[release.id])
    assert first.get(download).status_code == 302  # not approved yet: nothing to download
    second.post(reverse("publishing:release_approve", args=[release.id]))

    response = first.get(download)
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    rows = list(csv.DictReader(io.StringIO(archive.read("data.csv").decode())))
    assert len(rows) == 10
    dictionary = archive.read("dictionary.txt").decode()
    assert "Period of the incident" in dictionary and "Период инцидента" in dictionary
    assert "Synthetic partner" not in dictionary
    assert LedgerEntry.objects.filter(action="export_partner_dataset", object_id=str(release.id)).exists()


def test_withdrawing_a_pending_release_gives_its_budget_back(coordinators, team, settings):
    settings.PUBLISHING_PRIVACY_BUDGET = 1.0
    form = {
        "kind": "counts",
        "start": "2025-01-01",
        "end": "2025-03-31",
        "granularity": "quarter",
        "tables": ["region"],
        "epsilon": "1.0",
    }
    analyst = _client(team.analyst)
    analyst.post(reverse("publishing:release_create"), form)
    release = Release.objects.get()
    other_analyst = _client(UserFactory(username="analyst-2", role=Role.ANALYST, compartments=[team.home]))
    other_analyst.post(reverse("publishing:release_withdraw", args=[release.id]))
    assert Release.objects.filter(pk=release.id).exists(), "only the requester or a coordinator may withdraw"

    analyst.post(reverse("publishing:release_withdraw", args=[release.id]))
    assert not Release.objects.exists()
    assert LedgerEntry.objects.filter(action="withdraw_release", object_id=str(release.id)).exists()
    assert analyst.post(reverse("publishing:release_create"), form).status_code == 302


def test_only_the_requester_and_the_approver_can_download_a_dataset(coordinators, make_acts, team):
    make_acts(5, act="deprivation-of-liberty")
    make_acts(5, act="coercion")
    form = {
        "kind": "dataset",
        "start": "2025-01-01",
        "end": "2025-03-31",
        "granularity": "quarter",
        "place_level": "district",
        "k": "5",
        "l": "2",
        "partner": "Synthetic partner",
    }
    _client(coordinators[0]).post(reverse("publishing:release_create"), form)
    release = Release.objects.get()
    _client(coordinators[1]).post(reverse("publishing:release_approve", args=[release.id]))
    download = reverse("publishing:release_download", args=[release.id])
    assert _client(team.analyst).get(download).status_code == 302
    assert _client(coordinators[1]).get(download)["Content-Type"] == "application/zip"
