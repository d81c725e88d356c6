"""A report is sealed on arrival: staff open it with the organisation key, the source with the phrase."""

from __future__ import annotations

import pytest

from khronika.intake import receipts, services
from khronika.intake.models import Submission
from khronika.intake.sanitize import CleanFile

from .conftest import stored_files

ANSWERS = {"what_happened": "Synthetic marker: detained near the market", "acts": ["arbitrary-detention"]}


def _upload(content: bytes = b"synthetic file marker") -> services.Upload:
    clean = CleanFile(content=content, media_type="text/plain", extension=".txt", removed=())
    return services.Upload(clean=clean, original_name="note.txt")


@pytest.mark.django_db
def test_nothing_the_source_wrote_is_stored_in_clear(settings):
    submission, phrase = services.submit(ANSWERS, [_upload()], language="en", urgent=False)
    row = Submission.objects.get(pk=submission.pk)
    assert b"Synthetic marker" not in bytes(row.answers)
    assert phrase.encode() not in bytes(row.phrase_hash)
    for path in stored_files(settings):
        assert b"synthetic file marker" not in path.read_bytes()


@pytest.mark.django_db
def test_the_arrival_time_is_kept_to_the_hour_only():
    submission, _ = services.submit(ANSWERS, [], language="en", urgent=False)
    stored = Submission.objects.get(pk=submission.pk).received_hour
    assert (stored.minute, stored.second, stored.microsecond) == (0, 0, 0)


@pytest.mark.django_db
def test_the_phrase_opens_the_report_and_its_files():
    submission, phrase = services.submit(ANSWERS, [_upload()], language="ru", urgent=False)
    assert len(phrase.split()) == receipts.PHRASE_WORDS
    opened = services.open_with_phrase(phrase)
    assert opened is not None and opened.submission.pk == submission.pk
    assert opened.answers() == {**services.EMPTY_ANSWERS, **ANSWERS}
    files, messages = opened.thread()
    assert [f.name for f in files] == ["note.txt"] and messages == []
    attachment = opened.submission.attachments.get()
    assert opened.file_content(attachment) == b"synthetic file marker"


@pytest.mark.django_db
def test_staff_open_the_same_report_with_the_organisation_key():
    submission, _ = services.submit(ANSWERS, [], language="en", urgent=False)
    assert services.open_as_staff(Submission.objects.get(pk=submission.pk)).answers() == {
        **services.EMPTY_ANSWERS,
        **ANSWERS,
    }


@pytest.mark.django_db
def test_a_wrong_phrase_opens_nothing():
    _, phrase = services.submit(ANSWERS, [], language="en", urgent=False)
    words = phrase.split()
    wrong = " ".join(words[1:] + words[:1])
    assert services.open_with_phrase(wrong) is None
    assert services.open_with_phrase("not a phrase at all") is None


@pytest.mark.django_db
def test_a_revoked_phrase_stops_working_but_staff_keep_the_report(team, coordinator):
    submission, phrase = services.submit(ANSWERS, [], language="en", urgent=False)
    services.revoke_phrase(coordinator, submission)
    assert services.open_with_phrase(phrase) is None
    assert services.open_as_staff(Submission.objects.get(pk=submission.pk)).answers() == {
        **services.EMPTY_ANSWERS,
        **ANSWERS,
    }


@pytest.mark.django_db
def test_messages_both_ways_are_readable_by_both_sides(team, coordinator):
    submission, phrase = services.submit(ANSWERS, [], language="en", urgent=False)
    services.add_message(services.open_as_staff(submission), "Staff question marker", author=coordinator)
    source_side = services.open_with_phrase(phrase)
    assert source_side is not None
    services.add_message(source_side, "Source answer marker", [_upload(b"second file")])
    _, thread = services.open_as_staff(Submission.objects.get(pk=submission.pk)).thread()
    assert [(m.sender, m.text) for m in thread] == [
        ("staff", "Staff question marker"),
        ("source", "Source answer marker"),
    ]
    assert [f.name for f in thread[1].files] == ["note.txt"]
    row = Submission.objects.get(pk=submission.pk)
    assert row.waiting_for_staff and row.status == Submission.Status.IN_PROGRESS


@pytest.mark.django_db
def test_a_kept_original_is_sealed_to_the_organisation_and_hidden_from_the_phrase():
    upload = services.Upload(
        clean=CleanFile(
            content=b"cleaned", media_type="text/plain", extension=".txt", removed=("author name",)
        ),
        original_name="photo.txt",
        original=b"untouched original",
    )
    submission, phrase = services.submit(ANSWERS, [upload], language="en", urgent=False)
    source_side = services.open_with_phrase(phrase)
    assert source_side is not None
    files, _ = source_side.thread()
    assert [f.is_original for f in files] == [False]
    staff_files, _ = services.open_as_staff(submission).thread(with_originals=True)
    assert sorted(f.is_original for f in staff_files) == [False, True]
    original = submission.attachments.get(is_original=True)
    assert services.open_as_staff(submission).file_content(original) == b"untouched original"


@pytest.mark.django_db
def test_shredding_destroys_keys_rows_and_files(settings, team, coordinator):
    submission, phrase = services.submit(ANSWERS, [_upload()], language="en", urgent=False)
    assert stored_files(settings)
    services.shred(coordinator, submission)
    assert not Submission.objects.filter(pk=submission.pk).exists()
    assert stored_files(settings) == []
    assert services.open_with_phrase(phrase) is None


@pytest.mark.django_db
def test_a_failed_database_write_leaves_no_file_behind(settings, monkeypatch):
    def broken_save(*args, **kwargs):
        raise RuntimeError("synthetic database failure")

    monkeypatch.setattr(Submission, "save", broken_save)
    with pytest.raises(RuntimeError):
        services.submit(ANSWERS, [_upload()], language="en", urgent=False)
    assert stored_files(settings) == []
