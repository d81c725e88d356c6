from django.urls import reverse

from khronika.ledger.models import LedgerEntry
from khronika.records.models import Act
from khronika.testing.factories import ActFactory, term


def management(total, initial):
    return {
        "acts-TOTAL_FORMS": str(total),
        "acts-INITIAL_FORMS": str(initial),
        "acts-MIN_NUM_FORMS": "0",
        "acts-MAX_NUM_FORMS": "50",
    }


def base(team, incident):
    return {
        "incident-title": "Renamed incident",
        "incident-date": "2024",
        "incident-place": "RU-CE",
        "incident-status": "corroborated",
        "incident-confidentiality": "restricted",
        "incident-compartment": str(team.home.pk),
    }


def test_the_edit_form_is_filled_with_the_incident_and_its_acts(client, team):
    act = ActFactory(incident__compartment=team.home, days_detained=5)
    client.force_login(team.documenter)
    response = client.get(reverse("records:incident_edit", args=[act.incident.id]))
    assert response.status_code == 200
    assert act.incident.title in response.text
    assert act.victim.pseudonym in response.text


def test_editing_updates_acts_adds_one_and_deletes_one(client, team):
    keep = ActFactory(incident__compartment=team.home)
    incident = keep.incident
    drop = ActFactory(incident=incident)
    client.force_login(team.documenter)
    other_type = term("act_type").code
    data = {
        **base(team, incident),
        **management(3, 2),
        "acts-0-act_id": str(keep.id),
        "acts-0-act_type": keep.act_type.code,
        "acts-0-days_detained": "9",
        "acts-0-victim_pseudonym": keep.victim.pseudonym,
        "acts-1-act_id": str(drop.id),
        "acts-1-act_type": drop.act_type.code,
        "acts-1-DELETE": "on",
        "acts-2-act_type": other_type,
    }
    response = client.post(reverse("records:incident_edit", args=[incident.id]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    incident.refresh_from_db()
    assert incident.title == "Renamed incident"
    assert incident.region.code == "RU-CE"
    assert incident.date_precision == "year"
    keep.refresh_from_db()
    assert keep.days_detained == 9
    assert keep.victim is not None
    assert not Act.objects.filter(id=drop.id).exists()
    assert Act.objects.filter(incident=incident).count() == 2
    assert LedgerEntry.objects.filter(action="delete", object_id=str(drop.id)).exists()
    assert LedgerEntry.objects.filter(action="update", object_id=str(incident.id)).exists()


def test_an_outsider_cannot_open_or_post_the_edit_form(client, team):
    act = ActFactory(incident__compartment=team.home)
    client.force_login(team.outsider)
    url = reverse("records:incident_edit", args=[act.incident.id])
    assert client.get(url).status_code == 404
    assert client.post(url, {**base(team, act.incident), **management(0, 0)}).status_code == 404
