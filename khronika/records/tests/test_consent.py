"""Consent: none by default; every purpose-bound use goes through Person.objects.with_consent."""

import datetime

from django.urls import reverse

from khronika.records.models import Consent, Person
from khronika.testing.factories import ConsentFactory, PersonFactory


def test_nobody_is_usable_for_any_purpose_by_default(team):
    PersonFactory(compartment=team.home)
    for scope in Consent.Scope:
        assert not Person.objects.with_consent(scope).exists()


def test_only_persons_with_that_scope_and_not_withdrawn_are_included(team):
    agreed = ConsentFactory(person__compartment=team.home, scope="publication").person
    ConsentFactory(person__compartment=team.home, scope="statistics")
    withdrawn = ConsentFactory(
        person__compartment=team.home, scope="publication", withdrawn_on=datetime.date(2025, 1, 1)
    ).person
    assert list(Person.objects.with_consent("publication")) == [agreed]
    assert withdrawn not in Person.objects.with_consent("publication")


def test_a_documenter_records_consent_with_date_and_method(client, team):
    person = PersonFactory(compartment=team.home)
    client.force_login(team.documenter)
    response = client.post(
        reverse("records:consent_add", args=[person.id]),
        {"scope": "linkage", "given_on": "2025-11-20", "method": "oral"},
    )
    assert response.status_code == 302
    consent = person.consents.get()
    assert (consent.scope, consent.method, consent.recorded_by) == ("linkage", "oral", team.documenter)
    assert list(Person.objects.with_consent("linkage")) == [person]


def test_an_incomplete_consent_form_is_explained(client, team):
    person = PersonFactory(compartment=team.home)
    client.force_login(team.documenter)
    response = client.post(reverse("records:consent_add", args=[person.id]), {"scope": "linkage"})
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not person.consents.exists()
