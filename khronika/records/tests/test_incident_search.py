from django.urls import reverse

from khronika.testing.factories import ActFactory, IncidentFactory, PersonFactory, place, term

URL = reverse("records:incident_list")


def refs(response):
    return {incident.reference for incident in response.context["page"]}


def test_a_victims_pseudonym_finds_the_incidents_they_suffered(client, team):
    victim = PersonFactory(compartment=team.home)
    suffered = IncidentFactory(compartment=team.home)
    ActFactory(incident=suffered, victim=victim)
    ActFactory(incident=IncidentFactory(compartment=team.home))
    for user in (team.documenter, team.analyst):
        client.force_login(user)
        assert refs(client.get(URL, {"q": victim.pseudonym.lower()})) == {suffered.reference}


def test_a_place_name_finds_incidents_there_in_either_language_and_any_case(client, team):
    in_grozny = IncidentFactory(compartment=team.home, title="Untitled", place=place("RU-CE:grozny"))
    IncidentFactory(compartment=team.home, title="Untitled", place=place("RU-DA"))
    client.force_login(team.documenter)
    assert refs(client.get(URL, {"q": "ГРОЗНЫЙ"})) == {in_grozny.reference}
    assert refs(client.get(URL, {"q": "grozny"})) == {in_grozny.reference}


def test_a_region_name_finds_incidents_in_its_towns(client, team):
    in_grozny = IncidentFactory(compartment=team.home, title="Untitled", place=place("RU-CE:grozny"))
    client.force_login(team.documenter)
    assert refs(client.get(URL, {"q": "Chechen"})) == {in_grozny.reference}


def test_an_act_name_finds_incidents_with_that_act_and_words_combine(client, team):
    beating = term("act_type", "beating")
    beaten_in_grozny = IncidentFactory(compartment=team.home, title="Untitled", place=place("RU-CE:grozny"))
    ActFactory(incident=beaten_in_grozny, act_type=beating)
    beaten_elsewhere = IncidentFactory(compartment=team.home, title="Untitled", place=place("RU-DA"))
    ActFactory(incident=beaten_elsewhere, act_type=beating)
    client.force_login(team.documenter)
    assert refs(client.get(URL, {"q": "beating"})) == {beaten_in_grozny.reference, beaten_elsewhere.reference}
    assert refs(client.get(URL, {"q": "beating Grozny"})) == {beaten_in_grozny.reference}


def test_coded_words_never_reach_another_compartment(client, team):
    IncidentFactory(compartment=team.elsewhere, title="Untitled", place=place("RU-CE:grozny"))
    client.force_login(team.documenter)
    assert refs(client.get(URL, {"q": "Grozny"})) == set()
