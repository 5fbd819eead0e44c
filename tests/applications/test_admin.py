"""Staff in the admin: applications to read, filter and export; the draft-review queue."""

import re

import pytest

from applications.models import Application, ReviewRequest
from applications.services import application_request_review
from portal.models import OutboundEmail
from tests.factories import ApplicationFactory
from tests.signin import admin_login

pytestmark = pytest.mark.django_db

S = Application.Status


def test_staff_filter_search_and_export_applications(client, sid, project, ready_alice, ready_bob):
    mine = ApplicationFactory(project=project, student=ready_alice, status=S.SUBMITTED)
    ApplicationFactory(project=project, student=ready_bob, status=S.WITHDRAWN)
    admin_login(client, sid)
    listing = client.get("/admin/applications/application/?status__exact=submitted&q=alice").content.decode()
    assert "alice@example.edu" in listing and "bob@example.edu" not in listing
    assert client.get(f"/admin/applications/application/{mine.pk}/change/").status_code == 200
    response = client.post(
        "/admin/applications/application/",
        {"action": "export_csv", "_selected_action": [mine.pk]},
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = response.content.decode().splitlines()
    assert rows[0].startswith("id,project,organization,student_email")
    assert len(rows) == 2 and "alice@example.edu" in rows[1] and "Submitted" in rows[1]


def test_staff_cannot_change_an_applications_state_in_the_admin(client, sid, project, ready_alice):
    application = ApplicationFactory(project=project, student=ready_alice, status=S.SUBMITTED)
    admin_login(client, sid)
    client.post(f"/admin/applications/application/{application.pk}/change/", {"status": "offered"})
    assert Application.objects.get().status == S.SUBMITTED


def test_staff_answer_a_review_request_and_the_student_is_emailed(client, sid, project, ready_alice):
    application = ApplicationFactory(project=project, student=ready_alice)
    review = application_request_review(application=application, by=ready_alice)
    admin_login(client, sid)
    queue = client.get("/admin/applications/reviewrequest/?answered=no").content.decode()
    assert "alice@example.edu" in queue
    form = client.get(f"/admin/applications/reviewrequest/{review.pk}/change/").content.decode()
    assert "A thoughtful answer." in form  # the draft is shown beside the comment box
    response = client.post(f"/admin/applications/reviewrequest/{review.pk}/change/", {"comments": "   "})
    assert response.status_code == 200 and "Write the comments" in response.content.decode()
    client.post(f"/admin/applications/reviewrequest/{review.pk}/change/", {"comments": "Be more specific."})
    review.refresh_from_db()
    assert review.comments == "Be more specific." and review.answered_by == sid
    email = OutboundEmail.objects.get(kind="review-answered")
    assert email.recipient == ready_alice.email
    assert f"/projects/{project.slug}/apply/" in email.body_text
    # Answered once: the comments are read-only, and asking again opens a new request.
    client.post(f"/admin/applications/reviewrequest/{review.pk}/change/", {"comments": "Changed"})
    assert ReviewRequest.objects.get(pk=review.pk).comments == "Be more specific."
    assert OutboundEmail.objects.filter(kind="review-answered").count() == 1
    application_request_review(application=application, by=ready_alice)
    assert ReviewRequest.objects.filter(answered_at__isnull=True).count() == 1


def test_the_application_page_in_the_admin_has_no_link_to_a_page_staff_cannot_open(client, sid, project, ready_alice):
    application = ApplicationFactory(project=project, student=ready_alice, status=S.SUBMITTED)
    admin_login(client, sid)
    page = client.get(f"/admin/applications/application/{application.pk}/change/").content.decode()
    assert "View on site" not in page
    assert client.get(application.get_absolute_url()).status_code == 404


def test_the_admin_project_list_has_one_organization_column(client, sid, project):
    admin_login(client, sid)
    page = client.get("/admin/opportunities/project/").content.decode()
    headings = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', page)
    assert "organization" in headings and "organization_status" in headings
    assert ">Organization</a>" in page and ">Organization status</a>" in page
