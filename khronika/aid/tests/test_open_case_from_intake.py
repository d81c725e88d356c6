"""One step from an anonymous report to an aid case, from the staff inbox."""

import pytest
from django.urls import reverse
from django.utils import timezone

from khronika.accounts.roles import Role
from khronika.aid.models import Case, CaseMember, Task
from khronika.aid.tests.conftest import client_for
from khronika.intake.services import submit
from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import UserFactory

WROTE = "Synthetic: my friend was taken from a date yesterday and nobody knows where he is"


@pytest.fixture
def submission(db):
    submission, _ = submit({"what_happened": WROTE}, [], language="ru", urgent=True)
    return submission


def open_case(user, submission, compartment):
    return client_for(user).post(
        reverse("inbox:open_aid_case", args=[submission.id]), {"compartment": compartment.id}
    )


def test_a_coordinator_opens_a_case_from_an_urgent_report(aid, team, submission):
    response = open_case(aid.coordinator, submission, team.home)
    case = Case.objects.get(submission=submission)
    assert response.status_code == 302 and response["Location"] == reverse("aid:case_detail", args=[case.id])
    assert case.summary == WROTE
    assert case.risk_level == Case.Risk.HIGH
    assert case.compartment == team.home
    assert CaseMember.objects.get(case=case).user == aid.coordinator
    task = Task.objects.get(case=case)
    assert task.title == "Contact the source through the inbox"
    assert task.due_on == timezone.localdate() and task.assignee == aid.coordinator
    assert LedgerEntry.objects.filter(action="intake.open_case", object_id=str(submission.id)).exists()
    assert LedgerEntry.objects.filter(
        action="create", object_type="aid.case", object_id=str(case.id)
    ).exists()


def test_the_report_page_links_the_case_and_a_second_click_opens_no_second_case(aid, team, submission):
    before = (
        client_for(aid.coordinator).get(reverse("inbox:submission", args=[submission.id])).content.decode()
    )
    assert "Open an aid case" in before
    open_case(aid.coordinator, submission, team.home)
    open_case(aid.coordinator, submission, team.home)
    case = Case.objects.get(submission=submission)
    page = client_for(aid.coordinator).get(reverse("inbox:submission", args=[submission.id])).content.decode()
    assert case.reference in page and "Open an aid case" not in page


def test_a_report_not_marked_urgent_opens_a_medium_risk_case(aid, team):
    submission, _ = submit({"what_happened": "Synthetic, not urgent"}, [], language="en", urgent=False)
    open_case(aid.coordinator, submission, team.home)
    assert Case.objects.get(submission=submission).risk_level == Case.Risk.MEDIUM


def test_intake_volunteers_cannot_open_cases(team, submission):
    volunteer = UserFactory(role=Role.INTAKE, compartments=[team.home])
    assert open_case(volunteer, submission, team.home).status_code == 404
    page = client_for(volunteer).get(reverse("inbox:submission", args=[submission.id])).content.decode()
    assert "Open an aid case" not in page
    assert not Case.objects.exists()


def test_a_compartment_one_is_not_in_is_refused(aid, team, submission):
    response = open_case(aid.coordinator, submission, team.elsewhere)
    assert response.status_code == 302
    assert not Case.objects.filter(submission=submission).exists()
