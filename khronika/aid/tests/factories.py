"""Factories for aid cases. Synthetic only."""

from __future__ import annotations

import factory.django
from django.utils import timezone
from factory.declarations import LazyFunction, SelfAttribute, Sequence, SubFactory

from khronika.aid.models import Case, CaseMember, DetentionEvent, Inquiry, Intervention, Task
from khronika.testing.factories import CompartmentFactory, PersonFactory, UserFactory, term


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    compartment = SubFactory(CompartmentFactory)
    summary = Sequence(lambda n: f"Synthetic case summary {n}")


class CaseMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseMember

    case = SubFactory(CaseFactory)
    user = SubFactory(UserFactory, role="lawyer")
    role = CaseMember.Role.LAWYER


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    case = SubFactory(CaseFactory)
    title = Sequence(lambda n: f"Synthetic task {n}")
    due_on = LazyFunction(timezone.localdate)


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    case = SubFactory(CaseFactory)
    intervention_type = LazyFunction(lambda: term("intervention_type", "legal-consultation"))


class DetentionEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DetentionEvent

    case = SubFactory(CaseFactory)
    person = SubFactory(PersonFactory, compartment=SelfAttribute("..case.compartment"))
    kind = DetentionEvent.Kind.DETAINED
    occurred_at = LazyFunction(timezone.now)


class InquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inquiry

    case = SubFactory(CaseFactory)
    person = SubFactory(PersonFactory, compartment=SelfAttribute("..case.compartment"))
    addressee_kind = Inquiry.Addressee.PROSECUTOR
    channel = Inquiry.Channel.POST
