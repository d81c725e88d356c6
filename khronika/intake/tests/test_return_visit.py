"""A source comes back with the phrase, reads staff replies and answers, all without a cookie."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from khronika.intake import phrase_throttle, return_visit, services
from khronika.intake.models import Submission


def _token(html: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match, "no return-visit token in the page"
    return match.group(1)


@pytest.fixture
def reported(reference_data, coordinator):
    submission, phrase = services.submit(
        {"what_happened": "Synthetic return marker"}, [], language="en", urgent=False
    )
    services.add_message(services.open_as_staff(submission), "Staff reply marker", author=coordinator)
    return submission, phrase


@pytest.mark.django_db
def test_the_phrase_shows_the_report_and_the_staff_reply(reported):
    _, phrase = reported
    response = Client().post("/report/en/return/", {"phrase": phrase})
    assert response.status_code == 200
    assert "Synthetic return marker" in response.text and "Staff reply marker" in response.text
    assert not response.cookies
    assert phrase not in response.text  # the phrase never goes back into a page


@pytest.mark.django_db
def test_the_phrase_works_in_any_case_and_spacing(reported):
    _, phrase = reported
    messy = "  " + "  ".join(word.upper() for word in phrase.split()) + " "
    assert Client().post("/report/en/return/", {"phrase": messy}).status_code == 200


@pytest.mark.django_db
def test_the_source_answers_within_the_visit(reported):
    submission, phrase = reported
    client = Client()
    page = client.post("/report/en/return/", {"phrase": phrase})
    response = client.post(
        "/report/en/return/message/", {"token": _token(page.text), "text": "Source follow-up marker"}
    )
    assert response.status_code == 200
    assert "Source follow-up marker" in response.text
    assert Submission.objects.get(pk=submission.pk).waiting_for_staff


@pytest.mark.django_db
def test_a_forged_or_expired_token_asks_for_the_phrase_again(reported, settings):
    submission, _ = reported
    forged = Client().post("/report/en/return/message/", {"token": "kv:AAAA", "text": "x"})
    assert forged.status_code == 400 and "Enter your phrase again" in forged.text
    settings.INTAKE_RETURN_MINUTES = -1
    expired = return_visit.start(submission.id, b"\0" * 32).token()
    response = Client().post("/report/en/return/message/", {"token": expired, "text": "x"})
    assert response.status_code == 400
    assert submission.messages.count() == 1


@pytest.mark.django_db
def test_a_visit_may_send_only_so_many_messages(reported, settings):
    _, phrase = reported
    settings.INTAKE_MAX_MESSAGES_PER_VISIT = 1
    client = Client()
    page = client.post("/report/en/return/", {"phrase": phrase})
    first = client.post("/report/en/return/message/", {"token": _token(page.text), "text": "one"})
    second = client.post("/report/en/return/message/", {"token": _token(first.text), "text": "two"})
    assert second.status_code == 400 and "Enter your phrase again" in second.text


@pytest.mark.django_db
def test_a_wrong_phrase_is_told_plainly_and_counted(reported):
    _, phrase = reported
    words = phrase.split()
    response = Client().post("/report/en/return/", {"phrase": " ".join(reversed(words))})
    assert response.status_code == 400
    assert "does not open any report" in response.text


@pytest.mark.django_db
def test_many_wrong_phrases_pause_every_check(reported):
    _, phrase = reported
    for _ in range(phrase_throttle.FAILURES_PER_MINUTE + 1):
        phrase_throttle.record_failure()
    response = Client().post("/report/en/return/", {"phrase": phrase})
    assert response.status_code == 400
    assert "Too many wrong phrases" in response.text
