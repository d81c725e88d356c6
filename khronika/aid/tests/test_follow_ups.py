"""A phone search or an entrapment on a case's incident creates the follow-up tasks, once; the seized
contact list is never asked for (the warning goes through the client)."""

from django.urls import reverse

from khronika.aid import services
from khronika.aid.follow_ups import create_follow_ups
from khronika.aid.models import Task
from khronika.aid.tests.conftest import client_for
from khronika.testing.factories import ActFactory, IncidentFactory, term


def keys(case):
    return sorted(
        Task.objects.filter(case=case).exclude(follow_up_key="").values_list("follow_up_key", flat=True)
    )


def link(aid, incident):
    services.save_case(aid.coordinator, aid.case, incidents=[incident])


def test_a_device_search_creates_the_contact_warning_and_session_tasks(aid, team):
    incident = IncidentFactory(compartment=team.home)
    ActFactory(incident=incident, act_type=term("act_type", "device-search"))
    link(aid, incident)
    assert keys(aid.case) == ["end-sessions", "warn-contacts"]


def test_a_staged_date_also_asks_to_report_the_account_used(aid, team):
    incident = IncidentFactory(compartment=team.home)
    ActFactory(incident=incident, act_type=term("act_type", "staged-date"))
    link(aid, incident)
    assert keys(aid.case) == ["end-sessions", "report-account", "warn-contacts"]
    titles = [task.title for task in Task.objects.filter(case=aid.case)]
    assert any(
        "warn their contacts themself" in title and "do not write the contact list" in title
        for title in titles
    )


def test_the_tasks_are_created_once_however_often_the_case_is_saved(aid, team):
    incident = IncidentFactory(compartment=team.home)
    ActFactory(incident=incident, act_type=term("act_type", "device-seizure"))
    ActFactory(incident=incident, act_type=term("act_type", "forced-device-unlocking"))
    link(aid, incident)
    link(aid, incident)
    assert create_follow_ups(aid.case) == []
    assert Task.objects.filter(case=aid.case).count() == 2


def test_an_act_recorded_later_on_a_linked_incident_creates_them_too(aid, team):
    incident = IncidentFactory(compartment=team.home)
    ActFactory(incident=incident, act_type=term("act_type", "arbitrary-detention"))
    link(aid, incident)
    assert keys(aid.case) == []
    ActFactory(incident=incident, act_type=term("act_type", "hijacked-account-lure"))
    assert keys(aid.case) == ["end-sessions", "report-account", "warn-contacts"]


def test_unrelated_acts_create_nothing(aid, team):
    incident = IncidentFactory(compartment=team.home)
    ActFactory(incident=incident, act_type=term("act_type", "arbitrary-detention"))
    link(aid, incident)
    assert not Task.objects.filter(case=aid.case).exists()


def test_the_tasks_show_on_the_case_page(aid, team):
    incident = IncidentFactory(compartment=team.home)
    ActFactory(incident=incident, act_type=term("act_type", "device-search"))
    link(aid, incident)
    page = client_for(aid.lawyer).get(reverse("aid:case_detail", args=[aid.case.id])).content.decode()
    assert "End the person&#x27;s messenger and dating app sessions" in page


def test_the_report_task_links_to_the_registry_form_as_this_cases_report(aid, team):
    incident = IncidentFactory(compartment=team.home)
    ActFactory(incident=incident, act_type=term("act_type", "staged-date"))
    link(aid, incident)
    client = client_for(aid.lawyer)
    target = f"{reverse('safety:report')}?case={aid.case.id}"

    page = client.get(reverse("aid:case_detail", args=[aid.case.id])).content.decode()
    assert f'href="{target}"' in page
    assert client.get(target).status_code == 200  # the form opens as this case's report

    Task.objects.filter(case=aid.case, follow_up_key="report-account").update(done=True)
    page = client.get(reverse("aid:case_detail", args=[aid.case.id])).content.decode()
    assert f'href="{target}"' not in page
