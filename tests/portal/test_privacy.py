import json

import pytest
from allauth.account.models import EmailAddress

from portal.models import OutboundEmail, StudentProfile, User, WorkEligibility
from portal.services import eligibility_approve, eligibility_declare
from tests.factories import StudentProfileFactory, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_data(alice, sid):
    profile = StudentProfileFactory(user=alice, bio="Curious biologist.", linkedin_url="https://linkedin.com/in/alice")
    profile.resume.save("resume.pdf", pdf_upload(), save=True)
    first = eligibility_declare(student=alice, basis="citizen")
    record = eligibility_declare(
        student=alice,
        basis="f1_opt",
        starts_on=profile.created_at.date(),
        ends_on=profile.created_at.date().replace(year=profile.created_at.year + 1),
        document=pdf_upload("i20.pdf"),
    )
    eligibility_approve(record=record, by=sid)
    return profile, first, record


def test_download_my_data(client, alice, bob, alices_data):
    StudentProfileFactory(user=bob, bio="Bob's own bio.")
    client.force_login(alice)
    response = client.post("/profile/data/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    data = json.loads(response.content)
    portal = data["portal"]
    assert portal["account"]["email"] == "alice@example.edu"
    assert portal["profile"]["bio"] == "Curious biologist."
    assert portal["profile"]["resume_uploaded"] is True
    assert [(e["status"], e["current"], e["document_uploaded"]) for e in portal["eligibility_history"]] == [
        ("Attested", False, False),
        ("Verified", True, True),
    ]
    text = response.content.decode()
    # No document contents, no stored file names, nobody else's data.
    assert "%PDF" not in text and "eligibility/" not in text and "resumes/" not in text
    assert "Bob's own bio." not in text


def test_download_needs_a_post_from_the_student(client, alice, carol):
    assert client.post("/profile/data/").status_code == 302
    client.force_login(alice)
    assert client.get("/profile/data/").status_code == 405
    client.force_login(carol)
    assert client.post("/profile/data/").status_code == 404


def test_delete_account_needs_the_password(client, alice, alices_data):
    client.force_login(alice)
    response = client.post("/profile/delete/", {"password": "wrong"})
    assert response.status_code == 200
    assert "That is not your current password." in response.content.decode()
    assert User.objects.get(pk=alice.pk).is_active


def test_delete_account_stops_password_guessing(client, alice, password):
    client.force_login(alice)
    for _ in range(5):
        client.post("/profile/delete/", {"password": "wrong"})
    # Even the right password is refused for a while: a stolen session cannot guess it.
    response = client.post("/profile/delete/", {"password": password})
    assert "Too many wrong passwords" in response.content.decode()
    assert User.objects.get(pk=alice.pk).is_active


def test_a_failed_deletion_keeps_the_password_out_of_error_reports(client, alice, password, monkeypatch):
    from django.views.debug import SafeExceptionReporterFilter

    def broken(**kwargs):
        raise RuntimeError("storage down")

    monkeypatch.setattr("portal.views.account_delete", broken)
    client.raise_request_exception = False
    client.force_login(alice)
    response = client.post("/profile/delete/", {"password": password})
    assert response.status_code == 500
    reported = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert reported["password"] != password


def test_delete_account_removes_profile_files_and_personal_fields(
    client, alice, password, alices_data, django_capture_on_commit_callbacks
):
    profile, _first, record = alices_data
    storage = profile.resume.storage
    files = [profile.resume.name, record.document.name]
    assert all(storage.exists(name) for name in files)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/profile/delete/", {"password": password})
    assert response.status_code == 302 and response.url == "/"
    assert not any(storage.exists(name) for name in files)
    assert not StudentProfile.objects.filter(pk=profile.pk).exists()
    assert not WorkEligibility.objects.filter(student_id=alice.pk).exists()
    assert not WorkEligibility.history.filter(student_id=alice.pk).exists()
    assert not OutboundEmail.objects.filter(recipient="alice@example.edu").exists()
    assert not EmailAddress.objects.filter(user_id=alice.pk).exists()
    shell = User.objects.get(pk=alice.pk)
    assert (shell.first_name, shell.last_name, shell.is_active, shell.has_usable_password()) == ("", "", False, False)
    assert "alice" not in shell.email
    # Signed out, and the old address can sign up again.
    assert client.get("/profile/").status_code == 302
    assert not User.objects.filter(email="alice@example.edu").exists()


def test_account_deletion_runs_every_apps_privacy_hook(alice, monkeypatch):
    import portal.data_rights as data_rights

    calls = []

    class Hook:
        def __init__(self, app):
            self.app = app

        def export(self, user):
            return {"from": self.app}

        def erase(self, user):
            calls.append(self.app)

    monkeypatch.setattr(
        data_rights, "_privacy_modules", lambda: iter([("portal", Hook("portal")), ("payroll", Hook("payroll"))])
    )
    assert data_rights.account_export(user=alice)["payroll"] == {"from": "payroll"}
    data_rights.account_delete(user=alice)
    # Higher apps first: they detach what they must keep before the person is removed.
    assert calls == ["payroll", "portal"]
