"""The public report form: no cookies, never cached, no other origin, and clear refusals."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from PIL import Image

from khronika.intake.models import Submission

from .conftest import stored_files

VALID = {
    "what_happened": "Synthetic report marker: I was taken to the station",
    "acts": ["arbitrary-detention", "forced-device-unlocking"],
    "when_roughly": "early March",
    "place": "",
}


def _png() -> io.BytesIO:
    buffer = io.BytesIO()
    image = Image.new("RGB", (8, 8), "white")
    info = __import__("PIL.PngImagePlugin", fromlist=["PngInfo"]).PngInfo()
    info.add_text("Author", "Synthetic Author Name")
    image.save(buffer, "PNG", pnginfo=info)
    buffer.seek(0)
    buffer.name = "screenshot.png"
    return buffer


def _assert_private(response):
    assert not response.cookies, "a public page set a cookie"
    assert "no-store" in response["Cache-Control"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_form_is_served_privately_in_both_languages(reference_data, language):
    response = Client().get(f"/report/{language}/")
    assert response.status_code == 200
    _assert_private(response)
    assert f'<html lang="{language}">' in response.text
    # The only script is our own file (the optional proof of work); nothing inline.
    assert re.findall(r"<script[^>]*>", response.text) == [
        '<script src="/static/intake/proof-of-work.js" defer>'
    ]
    assert 'class="quick-exit"' in response.text


@pytest.mark.django_db
def test_the_checklist_speaks_plain_words(reference_data):
    response = Client().get("/report/en/")
    assert "I was made to unlock my phone or give my passwords" in response.text


@pytest.mark.django_db
def test_a_report_gets_a_seven_word_phrase_and_no_cookie(reference_data):
    response = Client().post("/report/en/", VALID)
    assert response.status_code == 200
    _assert_private(response)
    words = response.text.split('<p class="phrase">')[1].split("</p>")[0]
    assert words.count("<span>") == 7
    assert Submission.objects.count() == 1


@pytest.mark.django_db
def test_a_file_is_cleaned_and_the_source_told_what_was_removed(reference_data, settings):
    response = Client().post("/report/en/", {**VALID, "attachments": [_png()]})
    assert response.status_code == 200
    assert "screenshot.png" in response.text
    submission = Submission.objects.get()
    assert submission.attachments.count() == 1
    assert len(stored_files(settings)) == 1


@pytest.mark.django_db
def test_a_refused_file_keeps_the_text_and_stores_nothing(reference_data, settings):
    fake = io.BytesIO(b"MZ\x90\x00 this is not a picture")
    fake.name = "holiday.jpg"
    response = Client().post("/report/en/", {**VALID, "attachments": [fake]})
    assert response.status_code == 400
    assert "holiday.jpg" in response.text
    assert "Synthetic report marker" in response.text  # the text is not lost
    assert Submission.objects.count() == 0
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_an_empty_report_is_refused_with_a_message(reference_data):
    response = Client().post("/report/en/", {"what_happened": ""})
    assert response.status_code == 400
    assert "This field is required" in response.text
    assert Submission.objects.count() == 0


@pytest.mark.django_db
def test_a_date_in_the_future_is_refused(reference_data):
    response = Client().post("/report/en/", {**VALID, "when_date": "2999-01-01"})
    assert response.status_code == 400
    assert "in the future" in response.text


@pytest.mark.django_db
def test_the_flood_cap_refuses_without_storing(reference_data, settings):
    settings.INTAKE_MAX_SUBMISSIONS_PER_MINUTE = 1
    assert Client().post("/report/en/", VALID).status_code == 200
    busy = Client().post("/report/en/", VALID)
    assert busy.status_code == 503
    assert "too many reports" in busy.text
    assert Submission.objects.count() == 1


@pytest.mark.django_db
def test_an_unknown_language_is_a_plain_404(reference_data):
    assert Client().get("/report/de/").status_code == 404


@pytest.mark.django_db
def test_the_bare_address_sends_russian_browsers_to_russian(reference_data):
    response = Client().get("/report/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
    assert response.status_code == 302 and response["Location"] == "/report/ru/"
    assert not response.cookies


@pytest.mark.django_db
def test_the_urgent_flag_alerts_coordinators_without_an_exact_time(reference_data):
    from khronika.accounts.models import Alert

    Client().post("/report/en/", {**VALID, "urgent": "on"})
    alert = Alert.objects.get(kind=Alert.Kind.URGENT_SUBMISSION)
    assert (alert.raised_at.minute, alert.raised_at.second) == (0, 0)
    assert alert.subject is None
