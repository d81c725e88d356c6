"""A coordinator forced to log in with the duress password sees no aid case: the people helped and the
people helping them are exactly what a captor wants."""

from django.test import Client
from django.urls import reverse

from khronika.accounts.duress import DECOY_CAPABILITIES, set_duress_password
from khronika.accounts.roles import Capability
from khronika.testing.factories import TEST_PASSWORD

DURESS = "synthetic duress words by the river"


def login(username, password):
    client = Client()
    assert (
        client.post(reverse("accounts:login"), {"username": username, "password": password}).status_code
        == 302
    )
    return client


def test_a_duress_session_gets_a_404_on_every_aid_page(aid, settings):
    settings.REQUIRE_TWO_FACTOR = False
    settings.KHRONIKA_DECOY_INCIDENTS = 2
    set_duress_password(aid.coordinator, DURESS)
    normal = login(aid.coordinator.username, TEST_PASSWORD)
    assert normal.get(reverse("aid:case_detail", args=[aid.case.id])).status_code == 200
    duress = login(aid.coordinator.username, DURESS)
    for url in (reverse("aid:dashboard"), reverse("aid:case_detail", args=[aid.case.id])):
        assert duress.get(url).status_code == 404
    assert aid.case.reference not in duress.get(reverse("records:incident_list")).content.decode()


def test_the_case_capabilities_are_outside_what_a_decoy_session_may_do():
    assert not {Capability.CASE_WORK, Capability.MANAGE_CASES} & DECOY_CAPABILITIES
