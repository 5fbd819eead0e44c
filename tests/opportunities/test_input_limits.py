"""Input that once gave a server error: now a message beside the field, input kept, nothing saved."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from applications.models import Application
from applications.services import gate_window
from opportunities.models import Project, SavedSearch
from tests.applications.conftest import make_ready
from tests.factories import ProjectFactory, WorkEligibilityFactory
from tests.opportunities.test_posting import valid_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("apply_by", ["9999-12-28", (date.today() + timedelta(days=200)).isoformat()])
def test_an_apply_by_date_past_six_months_is_marked_and_kept(client, carol, python_skill, apply_by):
    client.force_login(carol)
    response = client.post("/employer/projects/new/", valid_post(carol, [python_skill], apply_by=apply_by))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose a date within six months" in html
    assert f'value="{apply_by}"' in html
    assert 'value="Survey analysis for our spring campaign"' in html
    assert not Project.objects.exists()


def test_six_months_ahead_is_accepted(client, carol, python_skill):
    client.force_login(carol)
    latest = timezone.localdate() + timedelta(days=Project.APPLY_BY_MAX_DAYS)
    client.post("/employer/projects/new/", valid_post(carol, [python_skill], apply_by=latest.isoformat()))
    assert Project.objects.get().apply_by == latest


def test_a_project_already_open_until_the_end_of_the_calendar_takes_applications(client, carol, alice):
    project = ProjectFactory(organization=carol.membership.organization, contact=carol, questions=["Why?"])
    Project.objects.filter(pk=project.pk).update(apply_by=date(9999, 12, 28))
    project.refresh_from_db()
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert gate_window(project) == (tomorrow, tomorrow + timedelta(days=project.duration_days))
    # An authorization said to start at the end of the calendar: the dates stay in the calendar.
    far = WorkEligibilityFactory(student=alice, basis="f1_cpt", status="verified", starts_on=date(9999, 12, 30))
    assert gate_window(project, student=alice)[1] == date.max
    far.delete()
    make_ready(alice)
    client.force_login(alice)
    answers = {f"answer_{q.pk}": "Because." for q in project.questions.all()}
    response = client.post(f"/projects/{project.slug}/apply/", {**answers, "action": "submit"})
    assert response.status_code == 302
    assert Application.objects.get().status == Application.Status.SUBMITTED


def test_a_saved_search_too_long_for_its_column_is_refused_with_a_message(client, alice):
    client.force_login(alice)
    response = client.post("/projects/saved/", {"query": "q=" + "é" * 200}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "This search is too long to save" in html
    assert "é" * 200 in html  # the search box keeps what was typed
    assert not SavedSearch.objects.exists()
