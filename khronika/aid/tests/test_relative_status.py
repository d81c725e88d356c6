"""A relative's status page: a separate phrase, only the updates shared for that person, no cookies,
nothing cached, revocable at once, throttled like the intake receipt phrase."""

import pytest
from django.test import Client
from django.urls import reverse

from khronika.aid import relatives
from khronika.aid.models import RelativeAccess
from khronika.aid.tests.conftest import client_for
from khronika.aid.tests.factories import CaseFactory
from khronika.intake import phrase_throttle, receipts
from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import PersonFactory


@pytest.fixture(autouse=True)
def fast_phrase_hash(settings):
    settings.INTAKE_PHRASE_KDF = (1, 8)


def _give(aid, language="ru"):
    person = aid.case.persons.get()
    response = client_for(aid.coordinator).post(
        reverse("aid:relatives", args=[aid.case.id]),
        {"action": "give", "person": person.id, "label": "synthetic mother", "language": language},
    )
    assert response.status_code == 200
    return " ".join(response.context["new_phrase"])


def _open(phrase, language="ru"):
    return Client().post(reverse("status:status", args=[language]), {"phrase": phrase})


def test_a_coordinator_gives_a_phrase_that_is_shown_once_and_never_stored(aid):
    phrase = _give(aid)
    assert len(phrase.split()) == 7
    access = RelativeAccess.objects.get(case=aid.case)
    assert access.lookup_hash and phrase.encode() not in bytes(access.lookup_hash)
    assert LedgerEntry.objects.filter(
        action="create", object_type="aid.relativeaccess", object_id=str(access.id)
    ).exists()
    page = client_for(aid.coordinator).get(reverse("aid:relatives", args=[aid.case.id])).content.decode()
    assert phrase not in page and "synthetic mother" in page


def test_the_relative_sees_only_the_updates_shared_for_their_person(aid):
    phrase = _give(aid)
    person = aid.case.persons.get()
    other = PersonFactory(compartment=aid.case.compartment)
    aid.case.persons.add(other)
    relatives.share(aid.coordinator, aid.case, person, "Адвокат видел его сегодня", "A lawyer saw him today")
    relatives.share(aid.coordinator, aid.case, other, "Синтетическая новость о другом человеке")
    other_case = CaseFactory(compartment=aid.case.compartment)
    relatives.share(aid.coordinator, other_case, person, "Синтетическая новость другого дела")

    response = _open(phrase)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Адвокат видел его сегодня" in page
    assert "другом человеке" not in page and "другого дела" not in page
    assert aid.case.reference not in page and person.pseudonym not in page and "synthetic mother" not in page
    english = _open(phrase, "en").content.decode()
    assert "A lawyer saw him today" in english


def test_the_status_page_sets_no_cookie_and_is_never_cached(aid):
    phrase = _give(aid)
    for response in (
        Client().get(reverse("status:status", args=["ru"])),
        _open(phrase),
        _open("wrong words"),
    ):
        assert not response.cookies, f"a cookie was set: {list(response.cookies)}"
        assert "no-store" in response["Cache-Control"]
        assert "<script" not in response.content.decode()


def test_a_revoked_phrase_stops_working_at_once(aid):
    phrase = _give(aid)
    relatives.share(aid.coordinator, aid.case, aid.case.persons.get(), "Синтетическая новость")
    access = RelativeAccess.objects.get(case=aid.case)
    response = client_for(aid.coordinator).post(
        reverse("aid:relatives", args=[aid.case.id]), {"action": "revoke", "access": str(access.id)}
    )
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.revoked_at is not None and access.lookup_hash is None
    refused = _open(phrase)
    assert refused.status_code == 400 and "Синтетическая новость" not in refused.content.decode()
    assert LedgerEntry.objects.filter(action="revoke", object_id=str(access.id)).exists()


def test_wrong_phrases_are_throttled_with_the_intake_receipt_rules(aid):
    for _ in range(phrase_throttle.FAILURES_PER_MINUTE + 1):
        assert _open(receipts.new_phrase("ru")).status_code == 400
    # Even the right phrase waits now: a pause costs no hash and tells nothing.
    phrase = _give(aid, language="en")
    response = _open(phrase, "en")
    assert response.status_code == 400 and "Too many wrong phrases" in response.content.decode()


def test_a_mistyped_phrase_costs_no_count(aid):
    for _ in range(phrase_throttle.FAILURES_PER_MINUTE + 5):
        _open("not a phrase at all")
    assert phrase_throttle.wait_seconds() == 0


def test_only_coordinators_of_the_case_manage_the_relatives_page(aid):
    for user in (aid.lawyer, aid.evacuation, aid.stranger):
        assert client_for(user).get(reverse("aid:relatives", args=[aid.case.id])).status_code == 404
    assert client_for(aid.coordinator).get(reverse("aid:relatives", args=[aid.case.id])).status_code == 200


def test_an_unknown_language_is_a_plain_404():
    assert Client().get("/status/de/").status_code == 404


def test_a_withdrawn_update_leaves_the_page_and_is_ledgered(aid):
    phrase = _give(aid)
    update = relatives.share(aid.coordinator, aid.case, aid.case.persons.get(), "Синтетическая ошибка")
    response = client_for(aid.coordinator).post(
        reverse("aid:relatives", args=[aid.case.id]), {"action": "withdraw", "update": str(update.id)}
    )
    assert response.status_code == 302
    assert "Синтетическая ошибка" not in _open(phrase).content.decode()
    assert LedgerEntry.objects.filter(action="delete", object_id=str(update.id)).exists()
