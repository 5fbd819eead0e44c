from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from opportunities.models import Project, ProjectEvent
from tests.factories import EmployerFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def valid_post(contact, skill_list, **overrides):
    data = {
        "title": "Survey analysis for our spring campaign",
        "summary": "Analyse 400 survey answers and tell us what customers want.",
        "description": "Line one.\nSee https://example.com/brief for the brief.",
        "deliverables": "A five-page report.",
        "career_path": "data",
        "skills": [s.pk for s in skill_list],
        "estimated_hours": "10",
        "fee": "250",
        "remote": "on",
        "city": "",
        "state": "",
        "openings": "2",
        "apply_by": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "duration_days": "14",
        "contact": contact.pk,
        "questions-TOTAL_FORMS": "5",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "1",
        "questions-MAX_NUM_FORMS": "5",
        "questions-0-text": "What would you look at first?",
        "questions-0-max_chars": "500",
        "questions-0-required": "on",
    }
    for i in range(1, 5):
        data[f"questions-{i}-text"] = ""
        data[f"questions-{i}-max_chars"] = "1000"
        data[f"questions-{i}-required"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_employer_posts_a_draft_with_skills_and_questions(client, carol, python_skill, excel):
    client.force_login(carol)
    assert client.get("/employer/projects/new/").status_code == 200
    response = client.post(
        "/employer/projects/new/",
        valid_post(carol, [python_skill, excel], **{"questions-1-text": "Optional one", "questions-1-required": None}),
    )
    project = Project.objects.get()
    assert response.url == f"/employer/projects/{project.slug}/"
    assert project.status == Project.Status.DRAFT
    assert project.organization == carol.membership.organization
    assert project.created_by == carol and project.contact == carol
    assert set(project.skills.all()) == {python_skill, excel}
    assert [(q.text, q.max_chars, q.required) for q in project.questions.all()] == [
        ("What would you look at first?", 500, True),
        ("Optional one", 1000, False),
    ]
    assert project.remote and project.hourly_rate == 25


BAD_VALUES = [
    ({"estimated_hours": "4"}, "Ensure this value is greater than or equal to 5."),
    ({"estimated_hours": "41"}, "Ensure this value is less than or equal to 40."),
    ({"estimated_hours": "ten"}, "Enter a whole number."),
    ({"fee": "199.99"}, "The fee must be at least $200 for 10 hours ($20 per hour)."),
    ({"fee": "-5"}, "The fee must be at least $200 for 10 hours ($20 per hour)."),
    ({"openings": "0"}, "Ensure this value is greater than or equal to 1."),
    ({"openings": "11"}, "Ensure this value is less than or equal to 10."),
    ({"apply_by": "__today__"}, "Choose a date in the future."),
    ({"apply_by": "2020-01-01"}, "Choose a date in the future."),
    ({"apply_by": "soon"}, "Enter a valid date."),
    ({"duration_days": "6"}, "Ensure this value is greater than or equal to 7."),
    ({"duration_days": "32"}, "Ensure this value is less than or equal to 31."),
    ({"summary": "x" * 281}, "Ensure this value has at most 280 characters (it has 281)."),
    ({"title": ""}, "This field is required."),
    ({"skills": []}, "This field is required."),
    ({"career_path": "astrology"}, "Select a valid choice."),
    ({"remote": None}, "Give the city, or mark the project as remote."),
    ({"questions-0-text": ""}, "This field is required."),
    ({"questions-0-max_chars": "99"}, "Ensure this value is greater than or equal to 100."),
    ({"questions-0-max_chars": "2001"}, "Ensure this value is less than or equal to 2000."),
    ({"questions-TOTAL_FORMS": "6", "questions-5-text": "Sixth?", "questions-5-max_chars": "500"}, "at most 5"),
    ({"questions-TOTAL_FORMS": None}, "Ask at least 1 question."),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_VALUES)
def test_every_posting_limit_is_explained_and_nothing_is_saved(client, carol, python_skill, overrides, message):
    if overrides.get("apply_by") == "__today__":
        overrides = {"apply_by": timezone.localdate().isoformat()}
    client.force_login(carol)
    response = client.post("/employer/projects/new/", valid_post(carol, [python_skill], **overrides))
    html = response.content.decode()
    assert response.status_code == 400
    assert message in unescape(html)
    assert "nothing was saved" in html
    assert 'value="Survey analysis for our spring campaign"' in html or overrides.get("title") == ""
    assert not Project.objects.exists()


def test_six_questions_are_refused_even_past_the_absolute_maximum(client, carol, python_skill):
    client.force_login(carol)
    extra = {f"questions-{i}-text": f"Q{i}?" for i in range(5)} | {"questions-TOTAL_FORMS": "6"}
    extra |= {"questions-5-text": "Q5?", "questions-5-max_chars": "500"}
    response = client.post("/employer/projects/new/", valid_post(carol, [python_skill], **extra))
    assert response.status_code == 400
    assert not Project.objects.exists()


def test_project_contact_must_be_a_member_of_the_organization(client, carol, dave, python_skill):
    client.force_login(carol)
    response = client.post("/employer/projects/new/", valid_post(dave, [python_skill]))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Project.objects.exists()


def test_pay_floor_follows_the_setting(client, carol, python_skill, settings):
    settings.PAY_FLOOR_PER_HOUR = 30
    client.force_login(carol)
    response = client.post("/employer/projects/new/", valid_post(carol, [python_skill], fee="250"))
    assert "at least $300 for 10 hours ($30 per hour)" in response.content.decode()
    assert not Project.objects.exists()


def test_on_site_project_keeps_its_city(client, carol, python_skill):
    client.force_login(carol)
    client.post("/employer/projects/new/", valid_post(carol, [python_skill], remote=None, city="Boston", state="MA"))
    assert Project.objects.get().location == "Boston, MA"


def test_editing_a_draft_keeps_and_replaces_questions(client, carol, python_skill):
    project = ProjectFactory(
        organization=carol.membership.organization, contact=carol, status=Project.Status.DRAFT, published_at=None
    )
    question = project.questions.get()
    client.force_login(carol)
    assert client.get(f"/employer/projects/{project.slug}/edit/").status_code == 200
    data = valid_post(carol, [python_skill], title="Renamed")
    data |= {
        "questions-TOTAL_FORMS": "5",
        "questions-INITIAL_FORMS": "1",
        "questions-0-id": question.pk,
        "questions-0-project": project.pk,
        "questions-0-text": "Reworded question?",
    }
    response = client.post(f"/employer/projects/{project.slug}/edit/", data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "Renamed"
    assert list(project.questions.values_list("text", flat=True)) == ["Reworded question?"]


def test_only_drafts_can_be_edited(client, carol, python_skill):
    project = ProjectFactory(organization=carol.membership.organization, contact=carol, title="Live")
    client.force_login(carol)
    assert client.get(f"/employer/projects/{project.slug}/edit/").status_code == 302
    client.post(f"/employer/projects/{project.slug}/edit/", valid_post(carol, [python_skill], title="Changed"))
    project.refresh_from_db()
    assert project.title == "Live"


EMPLOYER_PAGES = ["", "edit/"]
EMPLOYER_ACTIONS = ["submit/", "close/", "cancel/"]


@pytest.mark.parametrize("person", ["dave", "alice", "bob", "sid"])
def test_other_people_get_404_on_an_organizations_project_pages(client, request, carol, person):
    draft = ProjectFactory(
        organization=carol.membership.organization, contact=carol, status=Project.Status.DRAFT, published_at=None
    )
    client.force_login(request.getfixturevalue(person))
    for suffix in EMPLOYER_PAGES:
        assert client.get(f"/employer/projects/{draft.slug}/{suffix}").status_code == 404
    for suffix in EMPLOYER_ACTIONS:
        assert client.post(f"/employer/projects/{draft.slug}/{suffix}").status_code == 404
    if person != "sid":  # staff moderate drafts; nobody else outside the organization sees one
        assert client.get(f"/projects/{draft.slug}/").status_code == 404
    draft.refresh_from_db()
    assert draft.status == Project.Status.DRAFT
    assert not ProjectEvent.objects.exists()


def test_other_organizations_projects_are_not_listed_for_an_employer(client, carol, dave):
    ProjectFactory(organization=dave.membership.organization, contact=dave, title="Globex secret")
    ProjectFactory(organization=carol.membership.organization, contact=carol, title="Acme own")
    client.force_login(carol)
    html = client.get("/employer/projects/").content.decode()
    assert "Acme own" in html and "Globex secret" not in html


def test_a_member_sees_a_draft_preview_and_students_do_not(client, carol, alice):
    draft = ProjectFactory(
        organization=carol.membership.organization, contact=carol, status=Project.Status.DRAFT, published_at=None
    )
    colleague = EmployerFactory(organization=carol.membership.organization)
    client.force_login(colleague)
    assert "students cannot see it" in client.get(f"/projects/{draft.slug}/").content.decode()
    assert client.get(f"/employer/projects/{draft.slug}/").status_code == 200
    client.force_login(alice)
    assert client.get(f"/projects/{draft.slug}/").status_code == 404


def test_employer_without_organization_is_sent_to_create_one(client):
    client.force_login(EmployerFactory(organization=False))
    assert client.get("/employer/projects/").url == "/organization/new/"
    assert client.get("/employer/projects/new/").url == "/organization/new/"


def test_employer_pages_need_sign_in(client):
    assert client.get("/employer/projects/").status_code == 302
    assert client.get("/employer/projects/new/").url.startswith("/accounts/login/")


def test_any_employer_opens_a_listed_project_of_an_organization_with_several_members(client, carol, dave):
    project = ProjectFactory(organization=carol.membership.organization, contact=carol)
    EmployerFactory(organization=carol.membership.organization)
    EmployerFactory(organization=carol.membership.organization)
    client.force_login(dave)
    response = client.get(f"/projects/{project.slug}/")
    assert response.status_code == 200
    assert "Manage this project" not in response.content.decode()
    client.force_login(carol)
    assert "Manage this project" in client.get(f"/projects/{project.slug}/").content.decode()
