"""Exact lookups on encrypted identities through blind indexes (issue 5, Keys)."""

import pytest
from django.db import connection
from django.urls import reverse

from khronika.records.blind_indexes import find_persons_by_identifier, index_persons
from khronika.records.models import Person
from khronika.records.models.people import PersonBlindIndex
from khronika.testing.factories import ActFactory, IncidentFactory, PersonFactory

URL = reverse("records:incident_list")


@pytest.fixture
def zaur(team):
    return PersonFactory(
        compartment=team.home,
        given_name="Заур",
        family_name="Сентинелов",
        patronymic="Русланович",
        name_latin="Zaur Sentinelov",
        aliases="Зайка\nZ-man",
        contacts="тел. 8 (900) 123-45-67, e-mail zaur@example.org",
        handles="telegram @zaur_synthetic\nhttps://vk.com/zaur.synthetic",
    )


def found(user, text):
    return set(find_persons_by_identifier(user, text))


@pytest.mark.parametrize(
    "spelling", ["8 900 123-45-67", "+7 (900) 123-45-67", "+79001234567", "89001234567", "7-900-123-4567"]
)
def test_it_finds_a_person_by_phone_in_any_usual_spelling(team, zaur, spelling):
    assert found(team.documenter, spelling) == {zaur}


@pytest.mark.parametrize(
    "spelling",
    ["@zaur_synthetic", "zaur_synthetic", "telegram @ZAUR_synthetic", "https://t.me/zaur_synthetic"],
)
def test_it_finds_a_person_by_handle_with_or_without_at_sign(team, zaur, spelling):
    assert found(team.documenter, spelling) == {zaur}


def test_it_finds_a_person_by_profile_link_handle(team, zaur):
    assert found(team.documenter, "vk.com/zaur.synthetic") == {zaur}
    assert found(team.documenter, "@zaur.synthetic") == {zaur}


@pytest.mark.parametrize(
    "spelling",
    [
        "Сентинелов",
        "сентинелов",
        "Заур Сентинелов",
        "Сентинелов Заур Русланович",
        "Zaur Sentinelov",
        "sentinelov",
        "Зайка",
    ],
)
def test_it_finds_a_person_by_name_in_the_script_given(team, zaur, spelling):
    assert found(team.documenter, spelling) == {zaur}


def test_it_does_not_transliterate_or_match_parts_of_words(team, zaur):
    assert found(team.documenter, "Sentinelova") == set()
    assert found(team.documenter, "Сентин") == set()
    assert found(team.documenter, "+7 900 123-45-68") == set()


def test_an_outsider_finds_nobody_in_another_compartment(team, zaur):
    assert found(team.outsider, "+7 (900) 123-45-67") == set()
    assert found(team.outsider, "Сентинелов") == set()


def test_an_analyst_without_reveal_identity_finds_nobody(team, zaur):
    assert found(team.analyst, "+7 (900) 123-45-67") == set()
    assert found(team.analyst, "@zaur_synthetic") == set()


def test_the_incident_search_finds_a_victims_incidents_by_phone_or_handle(client, team, zaur):
    suffered = IncidentFactory(compartment=team.home, title="Untitled")
    ActFactory(incident=suffered, victim=zaur)
    IncidentFactory(compartment=team.home, title="Untitled")
    client.force_login(team.documenter)
    for text in ("8 900 123 45 67", "@zaur_synthetic", "Сентинелов"):
        page = client.get(URL, {"q": text}).context["page"]
        assert {i.reference for i in page} == {suffered.reference}
    client.force_login(team.analyst)
    assert list(client.get(URL, {"q": "8 900 123 45 67"}).context["page"]) == []


def test_indexes_follow_an_edit(team, zaur):
    zaur.contacts = "+7 912 000-11-22"
    zaur.save()
    assert found(team.documenter, "8 900 123-45-67") == set()
    assert found(team.documenter, "89120001122") == {zaur}


def test_bulk_written_persons_are_indexed_by_index_persons(team):
    person = Person(compartment=team.home, given_name="Булат", contacts="+7 901 234 56 78")
    Person.objects.bulk_create([person])
    assert found(team.documenter, "+79012345678") == set()  # bulk_create sends no signal
    index_persons([person])
    assert found(team.documenter, "+79012345678") == {person}


def test_the_blind_index_table_holds_no_clear_text(team, zaur):
    assert PersonBlindIndex.objects.filter(person=zaur).count() > 5
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {PersonBlindIndex._meta.db_table}")  # noqa: S608
        dump = repr(cursor.fetchall()).casefold()
    for clear in ("сентинелов", "sentinelov", "9001234567", "zaur_synthetic", "зайка", "заур"):
        assert clear not in dump


def test_persons_brought_in_by_a_database_import_are_indexed(team, zaur, tmp_path):
    from khronika.records.exchange.export import export_to_path
    from khronika.records.exchange.importer import import_file

    path = tmp_path / "export.jsonl"
    export_to_path(path)
    Person.objects.all().delete()
    assert not PersonBlindIndex.objects.exists()

    import_file(path)

    assert {p.pk for p in find_persons_by_identifier(team.documenter, "+7 900 123 45 67")} == {zaur.pk}
    assert {p.pk for p in find_persons_by_identifier(team.documenter, "@zaur_synthetic")} == {zaur.pk}


def test_persons_written_by_the_demo_generator_are_indexed(team):
    from khronika.records.demo import generate

    generate(3, compartments=[team.home])
    persons = list(Person.objects.filter(compartment=team.home))
    assert len(persons) == 3
    for person in persons:
        phone = person.contacts
        assert {p.pk for p in find_persons_by_identifier(team.documenter, phone)} == {person.pk}
        assert person in find_persons_by_identifier(team.documenter, person.name_latin)
