"""Factories for every model. Synthetic people only: names come from Faker's Russian provider."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from khronika.accounts.models import Compartment, User
from khronika.accounts.roles import Role
from khronika.records.models import (
    Act,
    Consent,
    Evidence,
    Incident,
    Information,
    Organisation,
    Person,
    Place,
    Source,
    Term,
)

TEST_PASSWORD = "correct horse battery staple"


def term(vocabulary: str, code: str | None = None) -> Term:
    """A shipped term by code, or the first leaf of the vocabulary."""
    terms = Term.objects.filter(vocabulary__code=vocabulary)
    if code:
        return terms.get(code=code)
    return terms.filter(children__isnull=True).order_by("sort_order").first()  # type: ignore[return-value]


def place(code: str) -> Place:
    return Place.objects.get(code=code)


class CompartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Compartment
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Compartment {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    role = Role.DOCUMENTER
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def compartments(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.compartments.set(extracted)
        if create:
            self.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    compartment = factory.SubFactory(CompartmentFactory)
    given_name = factory.Faker("first_name_male", locale="ru_RU")
    family_name = factory.Faker("last_name_male", locale="ru_RU")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name_ru = factory.Sequence(lambda n: f"Отдел полиции № {n}")
    name_en = factory.Sequence(lambda n: f"Police department no. {n}")
    perpetrator_type = factory.LazyFunction(lambda: term("perpetrator_type"))


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    compartment = factory.SubFactory(CompartmentFactory)
    title = factory.Sequence(lambda n: f"Synthetic incident {n}")
    narrative = "A synthetic narrative for tests."
    date_start = factory.LazyFunction(lambda: timezone.localdate())
    date_end = factory.SelfAttribute("date_start")
    place = factory.LazyFunction(lambda: place("RU-DA"))


class ActFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Act

    incident = factory.SubFactory(IncidentFactory)
    act_type = factory.LazyFunction(lambda: term("act_type"))
    victim = factory.SubFactory(PersonFactory, compartment=factory.SelfAttribute("..incident.compartment"))


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    compartment = factory.SubFactory(CompartmentFactory)
    source_type = factory.LazyFunction(lambda: term("source_type"))
    name = "A synthetic lawyer"


class InformationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Information

    incident = factory.SubFactory(IncidentFactory)
    source = factory.SubFactory(SourceFactory, compartment=factory.SelfAttribute("..incident.compartment"))
    original_text = "What the synthetic source said."


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    scope = Consent.Scope.STATISTICS
    given_on = factory.LazyFunction(lambda: timezone.localdate())
    method = Consent.Method.WRITTEN


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    incident = factory.SubFactory(IncidentFactory)
    file = factory.django.FileField(data=b"synthetic evidence", filename="evidence.txt")
    sha256 = "0" * 64
