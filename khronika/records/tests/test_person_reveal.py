"""Identity is shown only on an explicit, ledgered reveal."""

from django.urls import reverse

from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import ActFactory, PersonFactory


def test_the_person_page_shows_the_pseudonym_not_the_name(client, team):
    act = ActFactory(incident__compartment=team.home)
    client.force_login(team.documenter)
    response = client.get(reverse("records:person_detail", args=[act.victim.id]))
    assert response.status_code == 200
    assert act.victim.pseudonym in response.text
    assert act.victim.family_name not in response.text
    assert act.incident.reference in response.text


def test_revealing_shows_the_identity_and_writes_the_ledger(client, team):
    person = PersonFactory(compartment=team.home, family_name="Sentinelov")
    client.force_login(team.documenter)
    response = client.post(reverse("records:person_reveal", args=[person.id]))
    assert response.status_code == 200
    assert "Sentinelov" in response.text
    entry = LedgerEntry.objects.get(action="reveal")
    assert entry.object_id == str(person.id)
    assert entry.actor == f"user:{team.documenter.pk}"
    assert "Sentinelov" not in entry.object_id + entry.actor + entry.object_type


def test_reveal_is_a_post_only(client, team):
    person = PersonFactory(compartment=team.home)
    client.force_login(team.documenter)
    assert client.get(reverse("records:person_reveal", args=[person.id])).status_code == 405
    assert not LedgerEntry.objects.exists()


def test_analysts_and_outsiders_cannot_reveal(client, team):
    person = PersonFactory(compartment=team.home, family_name="Sentinelov")
    for user in (team.analyst, team.outsider):
        client.force_login(user)
        response = client.post(reverse("records:person_reveal", args=[person.id]))
        assert response.status_code == 404
        assert "Sentinelov" not in response.text
    assert not LedgerEntry.objects.exists()


def test_editing_a_person_saves_identity_and_coded_fields(client, team):
    person = PersonFactory(compartment=team.home)
    client.force_login(team.documenter)
    url = reverse("records:person_edit", args=[person.id])
    assert client.get(url).status_code == 200
    response = client.post(url, {"given_name": "Новое", "family_name": "Имя", "birth_date": "1990-05"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.given_name == "Новое"
    assert person.birth_date == "1990-05"


def test_a_bad_birth_date_is_explained_and_not_saved(client, team):
    person = PersonFactory(compartment=team.home, birth_date="")
    client.force_login(team.documenter)
    response = client.post(reverse("records:person_edit", args=[person.id]), {"birth_date": "05/1990"})
    assert response.status_code == 200
    assert "Write the date as 2025-11-03, 2025-11 or 2025." in response.text
    person.refresh_from_db()
    assert person.birth_date == ""
