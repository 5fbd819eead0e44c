"""A listed project's terms change only through project_amend: the posting rules, a trail, a history."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from opportunities.models import Project
from opportunities.services import project_amend
from portal.transitions import TransitionError
from tests.factories import ApplicationFactory, ProjectFactory, StaffFactory
from tests.signin import admin_login

pytestmark = pytest.mark.django_db

S = Project.Status


@pytest.fixture
def listed(carol, python_skill):
    return ProjectFactory(
        skills=[python_skill],
        organization=carol.membership.organization,
        contact=carol,
        title="Churn dashboard",
        estimated_hours=10,
        fee=Decimal("300.00"),
        openings=2,
    )


def change_url(project):
    return reverse("admin:opportunities_project_change", args=[project.pk])


def amend_url(project):
    return reverse("admin:opportunities_project_amend", args=[project.pk])


def test_staff_amend_the_fee_and_openings_and_the_trail_names_them(sid, listed):
    project_amend(project=listed, by=sid, changes={"fee": Decimal("400.00"), "openings": 3}, note="Agreed by phone")
    listed.refresh_from_db()
    assert (listed.fee, listed.openings, listed.status) == (Decimal("400.00"), 3, S.PUBLISHED)
    (event,) = listed.events.all()
    assert (event.from_status, event.to_status, event.by) == (S.PUBLISHED, S.PUBLISHED, sid)
    assert event.note == "Amended: fee, openings. Agreed by phone"
    latest = listed.history.first()
    assert latest.history_user == sid and latest.fee == Decimal("400.00")
    assert listed.history.count() == 2  # created, then amended


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fee": Decimal("150.00")}, "at least $200 for 10 hours"),
        ({"estimated_hours": 41}, "less than or equal to 40"),
        ({"estimated_hours": 4}, "greater than or equal to 5"),
        ({"openings": 11}, "less than or equal to 10"),
        ({"openings": 0}, "greater than or equal to 1"),
        ({"duration_days": 6}, "greater than or equal to 7"),
        ({"duration_days": 32}, "less than or equal to 31"),
        ({"apply_by": timezone.localdate()}, "Choose a date in the future"),
        ({"remote": False}, "Give the city"),
    ],
)
def test_amendments_follow_the_posting_rules(sid, listed, changes, message):
    before = listed.history.count()
    with pytest.raises(TransitionError, match=message.replace("$", r"\$")):
        project_amend(project=listed, by=sid, changes=changes, note="Fix")
    listed.refresh_from_db()
    assert (listed.fee, listed.estimated_hours, listed.openings) == (Decimal("300.00"), 10, 2)
    assert not listed.events.exists() and listed.history.count() == before


def test_openings_never_drop_below_the_offers_out_and_accepted(sid, listed):
    ApplicationFactory(project=listed, status="offered")
    ApplicationFactory(project=listed, status="accepted")
    with pytest.raises(TransitionError, match="2 offer"):
        project_amend(project=listed, by=sid, changes={"openings": 1}, note="Budget cut")
    ApplicationFactory(project=listed, status="declined")
    listed.refresh_from_db()
    assert listed.openings == 2
    project_amend(project=listed, by=sid, changes={"fee": Decimal("250.00")}, note="Typo")  # 2 still fits


def test_only_staff_amend_only_listed_projects_with_a_reason(sid, carol, listed):
    with pytest.raises(TransitionError, match="career center staff"):
        project_amend(project=listed, by=carol, changes={"openings": 3}, note="More")
    with pytest.raises(TransitionError, match="Why"):
        project_amend(project=listed, by=sid, changes={"openings": 3}, note="  ")
    with pytest.raises(TransitionError, match="Nothing would change"):
        project_amend(project=listed, by=sid, changes={"openings": 2}, note="Same")
    with pytest.raises(TransitionError, match="cannot be amended: contact"):
        project_amend(project=listed, by=sid, changes={"contact": sid}, note="Me")
    draft = ProjectFactory(organization=listed.organization, contact=carol, status=S.DRAFT, published_at=None)
    with pytest.raises(TransitionError, match="edit it in the admin"):
        project_amend(project=draft, by=sid, changes={"openings": 3}, note="More")
    assert Project.objects.get(pk=listed.pk).openings == 2


def test_a_closed_project_keeps_its_past_date_while_its_openings_change(sid, listed):
    Project.objects.filter(pk=listed.pk).update(status=S.CLOSED, apply_by=timezone.localdate() - timedelta(days=2))
    project_amend(project=listed, by=sid, changes={"openings": 3}, note="One more")
    assert Project.objects.get(pk=listed.pk).openings == 3


def test_the_admin_form_of_a_listed_project_is_read_only(client, sid, listed):
    admin_login(client, sid)
    html = client.get(change_url(listed)).content.decode()
    for field in ("title", "fee", "openings", "estimated_hours", "apply_by", "duration_days", "skills"):
        assert f'name="{field}"' not in html
    assert 'name="questions-0-text"' not in html  # the questions too
    assert amend_url(listed) in html
    # A forged POST of the change form changes nothing.
    client.post(change_url(listed), {"title": "Hijacked", "fee": "1", "openings": "9"})
    listed.refresh_from_db()
    assert (listed.title, listed.fee, listed.openings) == ("Churn dashboard", Decimal("300.00"), 2)


def test_not_even_a_superuser_edits_a_listed_projects_questions(client, listed):
    from tests.factories import UserFactory

    admin_login(client, UserFactory(is_staff=True, is_superuser=True))
    html = client.get(change_url(listed)).content.decode()
    assert 'name="questions-0-text"' not in html and 'name="fee"' not in html
    assert "Why does this project interest you?" in html  # shown, not editable
    draft = ProjectFactory(organization=listed.organization, contact=listed.contact, status=S.DRAFT, published_at=None)
    assert 'name="questions-0-text"' in client.get(change_url(draft)).content.decode()


def test_a_draft_stays_editable_in_the_admin(client, sid, carol, listed):
    draft = ProjectFactory(organization=listed.organization, contact=carol, status=S.IN_REVIEW, published_at=None)
    admin_login(client, sid)
    html = client.get(change_url(draft)).content.decode()
    assert 'name="fee"' in html and amend_url(draft) not in html
    assert client.get(amend_url(draft)).status_code == 302  # "cannot be amended", back to the form


def amend_form(project, **changes):
    data = {
        "title": project.title,
        "summary": project.summary,
        "description": project.description,
        "deliverables": project.deliverables,
        "career_path": project.career_path,
        "estimated_hours": project.estimated_hours,
        "fee": project.fee,
        "remote": "on",
        "openings": project.openings,
        "apply_by": project.apply_by.isoformat(),
        "duration_days": project.duration_days,
        "skills": [skill.pk for skill in project.skills.all()],
        "note": "Employer asked by email",
    }
    data.update(changes)
    return data


def test_staff_amend_from_the_admin(client, sid, listed):
    admin_login(client, sid)
    changelist = reverse("admin:opportunities_project_changelist")
    response = client.post(changelist, {"action": "amend", "_selected_action": [listed.pk]})
    assert response.status_code == 302 and response.url == amend_url(listed)
    assert 'name="fee"' in client.get(amend_url(listed)).content.decode()

    response = client.post(amend_url(listed), amend_form(listed, fee="100"))
    assert response.status_code == 200
    assert "at least $200" in response.content.decode()

    later = listed.apply_by + timedelta(days=7)
    response = client.post(amend_url(listed), amend_form(listed, fee="350", apply_by=later.isoformat()))
    assert response.status_code == 302 and response.url == change_url(listed)
    listed.refresh_from_db()
    assert (listed.fee, listed.apply_by) == (Decimal("350.00"), later)
    (event,) = listed.events.all()
    assert event.note == "Amended: fee, apply_by. Employer asked by email" and event.by == sid
    assert "Employer asked by email" in client.get(change_url(listed)).content.decode()


def test_amending_needs_the_change_permission(client, listed):
    outsider = StaffFactory()  # staff flag but not in the career center group
    admin_login(client, outsider)
    assert client.post(amend_url(listed), amend_form(listed, fee="900")).status_code == 403
    assert Project.objects.get(pk=listed.pk).fee == Decimal("300.00")


def test_staff_read_the_project_history_but_cannot_revert_it(client, sid, listed):
    project_amend(project=listed, by=sid, changes={"fee": Decimal("500.00")}, note="Raise")
    admin_login(client, sid)
    history = client.get(reverse("admin:opportunities_project_history", args=[listed.pk]))
    assert history.status_code == 200 and "Churn dashboard" in history.content.decode()
    first = listed.history.last()
    url = reverse("admin:opportunities_project_simple_history", args=[listed.pk, first.history_id])
    page = client.get(url)
    assert page.status_code == 200 and "Revert" not in page.content.decode()
    response = client.post(url, amend_form(listed, fee="300"))
    assert response.status_code == 403
    assert Project.objects.get(pk=listed.pk).fee == Decimal("500.00")
