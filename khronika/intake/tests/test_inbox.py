"""The staff inbox: who may see it, urgent first, replies, triage, recording, deletion, files."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client

from khronika.intake import services
from khronika.intake.models import Submission
from khronika.intake.sanitize import CleanFile
from khronika.ledger.models import LedgerEntry
from khronika.records.models import Incident, Information


def _report(text: str = "Synthetic inbox marker", **kwargs):
    defaults = {"language": "en", "urgent": False}
    answers = {
        "what_happened": text,
        "acts": ["arbitrary-detention"],
        "when_date": "2025-03-14",
        "place": "RU-CE",
    }
    return services.submit(answers, kwargs.pop("uploads", []), **{**defaults, **kwargs})


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_people_without_triage_get_the_same_404_as_for_a_missing_report(team):
    submission, _ = _report()
    client = _as(team.documenter)
    assert client.get("/inbox/").status_code == 404
    hidden = client.get(f"/inbox/{submission.id}/")
    missing = client.get(f"/inbox/{uuid.uuid4()}/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


@pytest.mark.django_db
def test_urgent_reports_come_first(volunteer):
    _report("Synthetic ordinary marker")
    _report("Synthetic urgent marker", urgent=True)
    page = _as(volunteer).get("/inbox/").text
    assert page.index("Synthetic urgent marker") < page.index("Synthetic ordinary marker")


@pytest.mark.django_db
def test_a_reply_reaches_the_source_and_is_ledgered(volunteer):
    submission, phrase = _report()
    response = _as(volunteer).post(f"/inbox/{submission.id}/reply/", {"text": "Synthetic staff answer"})
    assert response.status_code == 302
    opened = services.open_with_phrase(phrase)
    assert opened is not None
    assert [m.text for m in opened.thread()[1]] == ["Synthetic staff answer"]
    assert LedgerEntry.objects.filter(action="intake.reply", actor=f"user:{volunteer.pk}").exists()


@pytest.mark.django_db
def test_the_report_links_to_the_registry_form_as_this_submissions_report(volunteer):
    submission, _ = _report()
    client = _as(volunteer)
    target = f"/safety/report/?submission={submission.id}"
    assert f'href="{target}"' in client.get(f"/inbox/{submission.id}/").text
    assert client.get(target).status_code == 200


@pytest.mark.django_db
def test_an_empty_reply_is_refused_with_a_message(volunteer):
    submission, _ = _report()
    response = _as(volunteer).post(f"/inbox/{submission.id}/reply/", {"text": ""})
    assert response.status_code == 400 and "This field is required" in response.text


@pytest.mark.django_db
def test_spam_leaves_the_inbox(volunteer):
    submission, _ = _report("Synthetic spam marker")
    client = _as(volunteer)
    client.post(f"/inbox/{submission.id}/status/", {"status": "spam"})
    assert "Synthetic spam marker" not in client.get("/inbox/").text
    assert "Synthetic spam marker" in client.get("/inbox/?spam=1").text


@pytest.mark.django_db
def test_revoking_the_phrase_locks_the_source_out(volunteer):
    submission, phrase = _report()
    _as(volunteer).post(f"/inbox/{submission.id}/revoke-phrase/")
    assert services.open_with_phrase(phrase) is None


@pytest.mark.django_db
def test_recording_prefills_the_incident_form_and_links_the_report(coordinator, team):
    submission, _ = _report()
    client = _as(coordinator)
    form = client.get(f"/inbox/{submission.id}/record/")
    assert form.status_code == 200
    assert "Synthetic inbox marker" in form.text and "2025-03-14" in form.text
    assert 'value="anonymous-intake-form" selected' in form.text
    data = {
        "incident-title": "Synthetic recorded incident",
        "incident-narrative": "Synthetic inbox marker",
        "incident-date": "2025-03-14",
        "incident-place": "RU-CE",
        "incident-status": "reported",
        "incident-confidentiality": "restricted",
        "incident-compartment": str(team.home.id),
        "acts-TOTAL_FORMS": "1",
        "acts-INITIAL_FORMS": "0",
        "acts-MIN_NUM_FORMS": "0",
        "acts-MAX_NUM_FORMS": "50",
        "acts-0-act_type": "arbitrary-detention",
        "source-source_type": "anonymous-intake-form",
        "source-source_name": "Anonymous report",
        "source-reliability": "F",
        "source-credibility": "6",
        "source-original_text": "Synthetic inbox marker",
    }
    response = client.post(f"/inbox/{submission.id}/record/", data)
    assert response.status_code == 302, re.findall(r"errorlist.*?</ul>", response.text, re.S)
    incident = Incident.objects.get()
    row = Submission.objects.get(pk=submission.pk)
    assert row.status == Submission.Status.CONVERTED and row.converted_incident_id == incident.id
    assert Information.objects.get(incident=incident).original_text == "Synthetic inbox marker"


@pytest.mark.django_db
def test_deleting_needs_confirmation_and_the_right_to_delete(volunteer, coordinator):
    submission, _ = _report()
    assert _as(volunteer).post(f"/inbox/{submission.id}/delete/").status_code == 404
    client = _as(coordinator)
    assert "Delete for good" in client.get(f"/inbox/{submission.id}/delete/").text
    assert client.post(f"/inbox/{submission.id}/delete/").status_code == 302
    assert not Submission.objects.filter(pk=submission.pk).exists()


@pytest.mark.django_db
def test_kept_originals_open_for_coordinators_only(volunteer, coordinator):
    upload = services.Upload(
        clean=CleanFile(content=b"clean copy", media_type="text/plain", extension=".txt", removed=()),
        original_name="photo.txt",
        original=b"original copy",
    )
    submission, _ = _report(uploads=[upload])
    original = submission.attachments.get(is_original=True)
    clean = submission.attachments.get(is_original=False)
    assert _as(volunteer).get(f"/inbox/{submission.id}/files/{original.id}/").status_code == 404
    downloaded = _as(volunteer).get(f"/inbox/{submission.id}/files/{clean.id}/")
    assert downloaded.content == b"clean copy"
    assert downloaded["Content-Disposition"].startswith("attachment")
    opened = _as(coordinator).get(f"/inbox/{submission.id}/files/{original.id}/")
    assert opened.content == b"original copy"
    assert LedgerEntry.objects.filter(action="intake.open_original").count() == 1
