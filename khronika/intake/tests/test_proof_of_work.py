"""The optional proof of work: a solved, fresh, unused puzzle lets a report past the flood cap."""

from __future__ import annotations

import hashlib
import itertools

import pytest
from django.test import Client

from khronika.intake import flood, proof_of_work
from khronika.intake.models import Submission


def solve(challenge: str, bits: int) -> str:
    for nonce in itertools.count():
        digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
        if proof_of_work.leading_zero_bits(digest) >= bits:
            return str(nonce)
    raise AssertionError("unreachable")


def test_leading_zero_bits_counts_bits_not_bytes():
    assert proof_of_work.leading_zero_bits(b"\x00\x00\x80") == 16
    assert proof_of_work.leading_zero_bits(b"\x00\x0f") == 12
    assert proof_of_work.leading_zero_bits(b"\xff") == 0


def test_a_solved_challenge_counts_once(settings):
    settings.INTAKE_POW_BITS = 8
    challenge = proof_of_work.new_challenge()
    nonce = solve(challenge, 8)
    assert proof_of_work.is_solved(challenge, nonce)
    assert not proof_of_work.is_solved(challenge, nonce), "a solution was accepted twice"


def test_forged_or_unsolved_challenges_do_not_count(settings):
    settings.INTAKE_POW_BITS = 8
    forged = "1234abcd:AAAA:BBBB"
    assert not proof_of_work.is_solved(forged, solve(forged, 8))
    challenge = proof_of_work.new_challenge()
    unsolved = next(
        str(n)
        for n in itertools.count()
        if proof_of_work.leading_zero_bits(hashlib.sha256(f"{challenge}:{n}".encode()).digest()) < 8
    )
    assert not proof_of_work.is_solved(challenge, unsolved)
    assert not proof_of_work.is_solved(challenge, "")


def test_past_the_cap_only_proven_reports_get_in(settings):
    settings.INTAKE_MAX_SUBMISSIONS_PER_MINUTE = 1
    settings.INTAKE_POW_EXTRA = 2
    assert flood.allow_submission(now=1000.0)
    assert not flood.allow_submission(now=1001.0)
    assert flood.allow_submission(now=1002.0, with_proof=True)
    assert flood.allow_submission(now=1003.0, with_proof=True)
    assert not flood.allow_submission(now=1004.0, with_proof=True), "the proven cap is a cap too"
    assert flood.allow_submission(now=1061.0), "a new minute starts afresh"


@pytest.mark.django_db
def test_the_form_accepts_a_proven_report_past_the_cap(reference_data, settings):
    settings.INTAKE_POW_BITS = 8
    settings.INTAKE_MAX_SUBMISSIONS_PER_MINUTE = 1
    page = Client().get("/report/en/").text
    challenge = page.split('name="pow_challenge" value="')[1].split('"')[0]
    assert Client().post("/report/en/", {"what_happened": "synthetic"}).status_code == 200
    plain = Client().post("/report/en/", {"what_happened": "synthetic"})
    assert plain.status_code == 503
    proven = Client().post(
        "/report/en/",
        {"what_happened": "synthetic", "pow_challenge": challenge, "pow_nonce": solve(challenge, 8)},
    )
    assert proven.status_code == 200
    assert Submission.objects.count() == 2
