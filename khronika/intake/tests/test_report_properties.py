"""Property-based: whatever a visitor (or a fuzzer) posts to the public pages, the server answers with
the page or a plain-words refusal, never a server error, and a refused report stores nothing."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khronika.intake.models import Submission

from .conftest import stored_files

text = st.text(max_size=300)
field_names = st.sampled_from(
    [
        "what_happened",
        "acts",
        "when_date",
        "when_roughly",
        "place",
        "place_detail",
        "who_was_involved",
        "urgent",
        "contact",
        "keep_originals",
        "phrase",
        "token",
        "text",
    ]
)
junk_values = st.one_of(
    text,
    st.sampled_from(["arbitrary-detention", "RU-CE", "2025-03-14", "on", "2999-12-31", "0000-00-00", "\x00"]),
)


@st.composite
def uploads(draw):
    files = []
    for _ in range(draw(st.integers(0, 2))):
        content = draw(
            st.one_of(
                st.binary(max_size=2000),
                st.sampled_from([b"\xff\xd8\xff\xe0" + bytes(50), b"%PDF-1.4\n", b"PK\x03\x04" + bytes(30)]),
            )
        )
        name = draw(st.text(min_size=0, max_size=40)) + draw(
            st.sampled_from([".jpg", ".png", ".pdf", ".docx", ".txt", ".exe", ""])
        )
        handle = io.BytesIO(content)
        handle.name = name.replace("\x00", "") or "x"
        files.append(handle)
    return files


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.dictionaries(field_names, st.one_of(junk_values, st.lists(junk_values, max_size=3)), max_size=8),
    files=uploads(),
)
def test_the_report_form_never_fails_and_every_refusal_says_why(reference_data, intake_settings, data, files):
    before = Submission.objects.count()
    stored_before = len(stored_files(intake_settings))
    payload = {key: value for key, value in data.items()}
    if files:
        payload["attachments"] = files
    response = Client().post("/report/en/", payload)
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert 'class="error-summary"' in response.text
        assert 'class="errorlist' in response.text
        assert Submission.objects.count() == before
        assert len(stored_files(intake_settings)) == stored_before
    else:
        assert Submission.objects.count() == before + 1


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(phrase=st.text(max_size=250), token=st.text(max_size=300), message=text)
def test_the_return_pages_never_fail(reference_data, phrase, token, message):
    back = Client().post("/report/ru/return/", {"phrase": phrase})
    assert back.status_code in (200, 400)
    sent = Client().post("/report/ru/return/message/", {"token": token, "text": message})
    assert sent.status_code == 400
    assert 'class="error-summary"' in sent.text
