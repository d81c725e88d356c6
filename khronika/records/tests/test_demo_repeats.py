"""A larger demo documents some victims and many sources more than once, always within one compartment;
a small one (tests, the duress decoy) keeps one victim and one source per incident."""

from __future__ import annotations

import pytest

from khronika.records.demo import REPEAT_AFTER, generate
from khronika.records.models import Act, Information, Person, Source

pytestmark = pytest.mark.django_db


def test_a_small_demo_gives_each_incident_its_own_victim_and_source(team):
    summary = generate(REPEAT_AFTER, compartments=[team.home])

    assert summary.incidents == summary.persons == summary.sources == REPEAT_AFTER
    assert Person.objects.filter(compartment=team.home).count() == REPEAT_AFTER


def test_a_larger_demo_repeats_victims_and_sources_inside_their_compartment(team):
    summary = generate(400, compartments=[team.home, team.elsewhere])

    assert summary.incidents == 400
    assert 2 * REPEAT_AFTER <= summary.persons < 400
    assert 2 * REPEAT_AFTER <= summary.sources < summary.persons
    assert Person.objects.count() == summary.persons and Source.objects.count() == summary.sources
    for act in Act.objects.select_related("incident", "victim"):
        assert act.victim.compartment_id == act.incident.compartment_id
    for info in Information.objects.select_related("incident", "source"):
        assert info.source.compartment_id == info.incident.compartment_id
