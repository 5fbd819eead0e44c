import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.models import StudentProfile, WorkEligibility

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_profiles_and_eligibility_and_can_run_twice(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    sam = StudentProfile.objects.get(user__email="student@demo.test")
    assert sam.missing() == []
    with sam.resume.storage.open(sam.resume.name) as handle:
        assert handle.read(5) == b"%PDF-"
    current = {r.student.email: r.status for r in WorkEligibility.objects.current().select_related("student")}
    assert current["opt@demo.test"] == "verified"
    assert current["j1@demo.test"] == "pending"
    # The demo student (and the demo applicants) declared citizenship to have applications.
    assert current["student@demo.test"] == "attested"
    assert WorkEligibility.objects.count() == len(current)
    assert all(skill.resources.exists() for skill in sam.skills.all())


def test_the_demo_fills_every_staff_queue_and_its_timelines_read_in_order(client, settings):
    from applications.models import Application, ReviewRequest
    from opportunities.models import Project, SavedSearch
    from portal.dashboards import staff_items
    from portal.models import Invitation, Organization, User

    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert Organization.objects.filter(status="pending").count() == 1
    assert ReviewRequest.objects.filter(answered_at__isnull=True).count() == 1
    assert Invitation.objects.filter(accepted_at__isnull=True).count() == 1
    assert SavedSearch.objects.filter(user__email="student@demo.test", active=True).count() == 1
    assert Project.objects.filter(status="in_review").exists()
    counts = {item.text.split(" ", 1)[1]: item.count for item in staff_items(User.objects.get(email="staff@demo.test"))}
    assert all(
        counts[queue] for queue in ["organizations to verify", "projects to moderate", "draft reviews to answer"]
    )
    assert counts["eligibility declarations to verify"] >= 1

    for application in Application.objects.exclude(status="draft").prefetch_related("events"):
        times = [event.at for event in application.events.order_by("pk")]
        assert times == sorted(times), application
        assert times[0] == application.submitted_at
        if application.offered_at:
            assert application.submitted_at < application.offered_at
        if application.decided_at:
            assert times[-1] == application.decided_at


def test_demo_staff_signs_in_to_the_admin_with_the_printed_secret(settings, client):
    settings.DEBUG = True
    settings.DEMO_TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=io.StringIO())
    assert "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" in out.getvalue()
    from portal.demo import demo_password
    from tests.signin import totp_code

    response = client.post(reverse("account_login"), {"login": "staff@demo.test", "password": demo_password()})
    assert response.url == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(settings.DEMO_TOTP_SECRET)})
    assert client.get("/admin/").status_code == 200
