"""Every refusal of the publication pipeline, each with a message a coordinator can act on."""

from __future__ import annotations

import pytest
from django.utils import timezone

from khronika.publishing.models import Release
from khronika.publishing.services import ReleaseRefused, approve_release, request_release
from khronika.publishing.tests.conftest import counts_request, dataset_request
from khronika.records.exchange.approval import ApprovalRefused


def test_it_refuses_a_period_that_ends_less_than_three_months_ago(coordinators):
    today = timezone.localdate()
    with pytest.raises(ReleaseRefused, match="three months"):
        request_release(coordinators[0], counts_request(start=today.replace(day=1), end=today))
    assert not Release.objects.exists()


def test_it_refuses_a_release_that_would_exceed_the_total_privacy_budget(coordinators, settings):
    settings.PUBLISHING_PRIVACY_BUDGET = 1.0
    request_release(coordinators[0], counts_request(epsilon=0.6))
    with pytest.raises(ReleaseRefused, match="privacy budget"):
        request_release(coordinators[0], counts_request(epsilon=0.6))
    assert Release.objects.count() == 1


def test_it_refuses_more_than_the_per_release_budget(coordinators, settings):
    settings.PUBLISHING_MAX_EPSILON = 0.5
    with pytest.raises(ReleaseRefused, match="privacy budget"):
        request_release(coordinators[0], counts_request(epsilon=0.8))


def test_the_requester_cannot_approve_their_own_release(coordinators, make_acts):
    release = request_release(coordinators[0], counts_request())
    with pytest.raises(ApprovalRefused, match="another coordinator"):
        approve_release(release.id, coordinators[0])
    release.refresh_from_db()
    assert release.status == Release.Status.PENDING and release.figures == {}


def test_a_release_is_approved_only_once(coordinators, team):
    release = request_release(coordinators[0], counts_request())
    approve_release(release.id, coordinators[1])
    with pytest.raises(ApprovalRefused, match="already approved"):
        approve_release(release.id, team.analyst)


def test_it_refuses_a_dataset_that_cannot_reach_k_anonymity(coordinators, make_acts):
    """Four people alike are fewer than k = 5: suppressing them would remove every row."""
    make_acts(4)
    with pytest.raises(ReleaseRefused, match="cannot be made anonymous"):
        request_release(coordinators[0], dataset_request())
    assert not Release.objects.exists()


def test_it_refuses_a_dataset_without_l_diversity(coordinators, make_acts):
    """Ten alike with a single kind of act: k holds, but the group would tell what was done to each."""
    make_acts(10)
    with pytest.raises(ReleaseRefused, match="l = 2"):
        request_release(coordinators[0], dataset_request())


def test_it_refuses_a_dataset_with_no_usable_act(coordinators, make_acts):
    make_acts(6, consent=False)
    with pytest.raises(ReleaseRefused, match="No act"):
        request_release(coordinators[0], dataset_request())


def test_it_refuses_a_dataset_without_a_named_partner(coordinators):
    with pytest.raises(ReleaseRefused, match="partner"):
        request_release(coordinators[0], dataset_request(partner=" "))
