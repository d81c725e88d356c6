"""The bucket answers: every one the same length (≤ 16 KB) whatever it holds, stable when repeated,
and never naming which suffixes are real."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from khronika.safety import lookup, services
from khronika.safety.models import Entry
from khronika.safety.normalize import lookup_identifier
from khronika.safety.services import Subject
from khronika.safety.tests.factories import confirmed

pytestmark = pytest.mark.django_db


def _get(client: Client, key_id: str, prefix: str):
    return client.get(reverse("safety:range", kwargs={"key_id": key_id, "prefix": prefix}))


def test_every_answer_has_the_same_length_whether_the_bucket_is_empty_or_not(reference_data):
    entry = confirmed(Subject(kind="phone", identifier="+7 900 555-01-23"))
    key = services.own_key()
    # Crowd the entry's bucket with more confirmed entries than a real registry would hold.
    crowd = [
        Entry(kind="phone", state="confirmed", hash_prefix=entry.hash_prefix, hash_suffix=f"{n:059x}")
        for n in range(40)
    ]
    for row in crowd:
        row.confirmed_until = entry.confirmed_until
    Entry.objects.bulk_create(crowd)
    client = Client()
    full = _get(client, key.key_id, lookup.prefix_text(entry.hash_prefix))
    empty = _get(client, key.key_id, lookup.prefix_text((entry.hash_prefix + 1) % 2**20))
    unknown_key = _get(client, "0123456789abcdef", "00000")
    sizes = {len(r.content) for r in (full, empty, unknown_key)}
    assert len(sizes) == 1 and sizes.pop() <= 16 * 1024
    suffixes = json.loads(full.content)["suffixes"]
    assert len(suffixes) == lookup.SUFFIXES_PER_ANSWER
    assert entry.hash_suffix in suffixes and f"{7:059x}" in suffixes
    assert suffixes == sorted(suffixes), "sorted, so the real ones do not come first"


def test_asking_the_same_bucket_twice_gives_the_same_answer(reference_data):
    key = services.own_key()
    client = Client()
    assert _get(client, key.key_id, "abcde").content == _get(client, key.key_id, "abcde").content


def test_it_answers_only_a_five_hex_digit_prefix(reference_data):
    key = services.own_key()
    identifier = lookup_identifier("phone", "+79005550123")
    full_hash = lookup.lookup_hash(identifier, bytes.fromhex(key.key), key.iterations)
    client = Client()
    assert _get(client, key.key_id, full_hash).status_code == 404
    assert _get(client, key.key_id, "ABCDE").status_code == 404
    assert _get(client, key.key_id, "abcd").status_code == 404


def test_the_answer_sets_no_cookie_and_is_not_cached(reference_data):
    response = _get(Client(), services.own_key().key_id, "00000")
    assert response.cookies == {}
    assert "no-store" in response["Cache-Control"]
