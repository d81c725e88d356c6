from django.urls import reverse


def test_a_user_switches_to_russian_and_it_sticks_to_the_account(client, team):
    client.force_login(team.documenter)
    response = client.post(
        reverse("accounts:set_language"), {"language": "ru", "next": "/records/incidents/"}
    )
    assert response.status_code == 302
    team.documenter.refresh_from_db()
    assert team.documenter.language == "ru"
    page = client.get(reverse("records:incident_list"))
    assert page["Content-Language"] == "ru"
    assert "Инциденты" in page.text
