"""Staff report through the form (also from an aid case's follow-up); moderators decide on an entry."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from khronika.aid.tests.factories import CaseFactory, CaseMemberFactory
from khronika.intake.services import submit
from khronika.safety.models import Channel, Entry, Report, State
from khronika.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_documenter_reports_an_account_and_it_waits_unverified(team):
    response = _client(team.documenter).post(
        reverse("safety:report"),
        {
            "kind": "account",
            "platform": "telegram",
            "identifier": "@Synthetic_Lure",
            "narrative": "synthetic",
        },
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert (entry.state, entry.identifier, entry.platform) == (State.UNVERIFIED, "synthetic_lure", "telegram")


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"kind": "account", "platform": "telegram", "identifier": "@abc"}, "too short"),
        ({"kind": "account", "platform": "", "identifier": "@abcdef"}, "Choose the platform"),
        ({"kind": "phone", "identifier": "+7 000"}, "phone number"),
        ({"kind": "place", "address": "Somewhere"}, "Choose the town"),
    ],
)
def test_the_form_explains_bad_input_in_plain_words(team, data, says):
    response = _client(team.documenter).post(reverse("safety:report"), data)
    assert response.status_code == 200
    assert says in response.content.decode()
    assert not Report.objects.exists()


def test_a_report_from_a_case_follow_up_counts_as_that_case(team):
    case = CaseFactory(compartment=team.home)
    lawyer = UserFactory(role="lawyer", compartments=[team.home])
    CaseMemberFactory(case=case, user=lawyer)
    url = reverse("safety:report") + f"?case={case.id}"
    response = _client(lawyer).post(url, {"kind": "phone", "identifier": "+7 900 555-01-23"})
    assert response.status_code == 302
    assert Report.objects.get().channel == Channel.FOLLOW_UP
    outsider_case = CaseFactory(compartment=team.elsewhere)
    assert _client(lawyer).get(reverse("safety:report") + f"?case={outsider_case.id}").status_code == 404


def test_a_coordinator_confirms_on_two_reports_through_the_entry_page(team):
    coordinator = UserFactory(role="coordinator", compartments=[team.home])
    for user in (team.documenter, coordinator):
        _client(user).post(reverse("safety:report"), {"kind": "phone", "identifier": "+7 900 555-01-23"})
    entry = Entry.objects.get()
    client = _client(coordinator)
    page = client.get(reverse("safety:entry_detail", args=[entry.id])).content.decode()
    assert "+79005550123" in page
    client.post(reverse("safety:decide", args=[entry.id]), {"action": "confirm", "reason": "two-reports"})
    entry.refresh_from_db()
    assert entry.state == State.CONFIRMED
    assert "+79005550123" not in client.get(reverse("safety:entries") + "?state=confirmed").content.decode()


def test_a_coordinator_is_told_plainly_why_one_report_cannot_be_confirmed(team):
    coordinator = UserFactory(role="coordinator", compartments=[team.home])
    _client(team.documenter).post(
        reverse("safety:report"), {"kind": "phone", "identifier": "+7 900 555-01-23"}
    )
    entry = Entry.objects.get()
    response = _client(coordinator).post(
        reverse("safety:decide", args=[entry.id]), {"action": "confirm", "reason": "two-reports"}, follow=True
    )
    assert "not two independent reports" in response.content.decode()
    entry.refresh_from_db()
    assert entry.state == State.UNVERIFIED


def test_a_report_from_an_anonymous_submission_counts_as_that_submission(team):
    submission, _ = submit({"what_happened": "synthetic"}, [], language="en", urgent=False)
    triager = UserFactory(role="intake", compartments=[team.home])
    url = reverse("safety:report") + f"?submission={submission.id}"
    response = _client(triager).post(url, {"kind": "phone", "identifier": "+7 900 555-01-23"})
    assert response.status_code == 302
    assert Report.objects.get().channel == Channel.INTAKE
    assert _client(team.documenter).get(url).status_code == 404, "only those who triage reports may name one"
