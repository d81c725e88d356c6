"""The decoy workspace: invisible to normal sessions, and a decoy session can only work on records."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from khronika.accounts.duress import decoy_compartment, ensure_decoy_workspace, set_duress_password
from khronika.accounts.models import DecoyWorkspace
from khronika.accounts.roles import Role
from khronika.records.demo import generate
from khronika.records.models import Incident
from khronika.testing.factories import TEST_PASSWORD, CompartmentFactory, UserFactory

LOGIN = reverse("accounts:login")
DURESS = "blue heron over the river"


@pytest.fixture
def coordinator(team, settings):
    settings.REQUIRE_TWO_FACTOR = False
    settings.KHRONIKA_DECOY_INCIDENTS = 4
    user = UserFactory(username="coord", role=Role.COORDINATOR, compartments=[team.home, team.elsewhere])
    set_duress_password(user, DURESS)
    return user


def duress_client(password=DURESS):
    client = Client()
    response = client.post(LOGIN, {"username": "coord", "password": password})
    assert response.status_code == 302
    return client


def test_normal_sessions_never_see_decoy_records(coordinator):
    decoy = Incident.objects.filter(compartment=decoy_compartment()).first()
    client = duress_client(TEST_PASSWORD)
    assert decoy.reference not in client.get(reverse("records:incident_list")).text
    assert client.get(reverse("records:incident_detail", args=[decoy.id])).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        reverse("ledger:ledger_list"),
        reverse("accounts:team_list"),
        reverse("records:incident_export"),
        reverse("records:import_upload"),
    ],
    ids=["admin", "ledger", "team", "export", "import"],
)
def test_a_decoy_session_cannot_reach_the_ledger_team_admin_exports_or_imports(coordinator, url):
    assert duress_client(TEST_PASSWORD).get(url).status_code in {200, 302}
    assert duress_client().get(url).status_code == 404


def test_a_decoy_session_shows_no_links_it_could_not_follow(coordinator):
    page = duress_client().get(reverse("records:incident_list")).text
    assert reverse("ledger:ledger_list") not in page
    assert reverse("accounts:team_list") not in page
    assert reverse("records:incident_create") in page


def test_new_records_of_a_decoy_session_can_only_go_to_the_decoy_compartment(coordinator):
    page = duress_client().get(reverse("records:incident_create")).text
    select = re.search(r'<select name="incident-compartment".*?</select>', page, re.DOTALL).group(0)
    assert re.findall(r'value="(\d+)"', select) == [str(decoy_compartment().pk)]


def test_the_decoy_compartment_is_made_once_and_never_takes_a_real_compartments_name(team, settings):
    settings.KHRONIKA_DECOY_COMPARTMENT = "Home"
    settings.KHRONIKA_DECOY_INCIDENTS = 3
    first = ensure_decoy_workspace()
    assert first != team.home and first.name == "Home 2"
    assert ensure_decoy_workspace() == first
    assert DecoyWorkspace.objects.count() == 1
    assert Incident.objects.filter(compartment=first).count() == 3
    assert not first.members.exists()


def test_demo_data_never_lands_in_the_decoy_compartment(team, settings):
    settings.KHRONIKA_DECOY_INCIDENTS = 2
    decoy = ensure_decoy_workspace()
    CompartmentFactory(name="Other")
    generate(20, seed=7)
    assert Incident.objects.filter(compartment=decoy).count() == 2


def test_a_member_of_the_decoy_compartment_added_by_mistake_still_sees_nothing_of_it(coordinator):
    decoy = decoy_compartment()
    coordinator.compartments.add(decoy)
    client = duress_client(TEST_PASSWORD)
    page = client.get(reverse("records:incident_list")).text
    assert not any(incident.reference in page for incident in Incident.objects.filter(compartment=decoy))
    form = client.get(reverse("records:incident_create")).text
    select = re.search(r'<select name="incident-compartment".*?</select>', form, re.DOTALL).group(0)
    assert f'value="{decoy.pk}"' not in select
