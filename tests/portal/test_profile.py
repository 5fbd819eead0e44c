import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.models import Skill, StudentProfile
from tests.downloads import read_download
from tests.factories import SkillFactory, StudentProfileFactory, pdf_bytes, pdf_upload
from tests.signin import admin_login

pytestmark = pytest.mark.django_db

PROFILE = "/profile/"


@pytest.fixture
def skills(db):
    return {
        "communication": SkillFactory(name="Communication", slug="communication", kind=Skill.Kind.CORE),
        "python": SkillFactory(name="Python", slug="python", kind=Skill.Kind.TECHNICAL),
    }


def full_form(skills, **overrides):
    data = {
        "first_name": "Alice",
        "last_name": "Adams",
        "program": "B.S. Biology",
        "graduation_season": "spring",
        "graduation_year": "2027",
        "status": "current",
        "linkedin_url": "https://www.linkedin.com/in/alice-adams",
        "core_skills": [skills["communication"].pk],
        "technical_skills": [skills["python"].pk],
        "bio": "I like data and people.",
        "is_adult": "on",
        "resume": pdf_upload(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_profile_needs_a_signed_in_student(client, carol, sid):
    assert client.get(PROFILE).status_code == 302
    client.force_login(carol)
    assert client.get(PROFILE).status_code == 404
    admin_login(client, sid)
    assert client.get(PROFILE).status_code == 404


def test_empty_profile_lists_everything_missing(client, alice):
    client.force_login(alice)
    html = client.get(PROFILE).content.decode()
    assert "Profile 10% complete" in html  # the name, from sign-up, is all there is
    assert "your résumé (PDF)" in html and "a short bio" in html and "at least one core competency" in html


def test_student_fills_the_whole_profile(client, alice, skills):
    client.force_login(alice)
    response = client.post(PROFILE, full_form(skills))
    assert response.status_code == 302
    profile = StudentProfile.objects.get(user=alice)
    assert profile.graduation_term == "Spring 2027"
    assert profile.status == StudentProfile.Status.CURRENT
    assert set(profile.skills.all()) == set(skills.values())
    assert profile.adult_attested_at is not None
    assert profile.resume.name.startswith("resumes/") and profile.resume.name.endswith(".pdf")
    assert "resume" not in profile.resume.name.split("/", 1)[1]  # a random name, not the uploaded one
    assert profile.resume.storage.exists(profile.resume.name)
    html = client.get(PROFILE).content.decode()
    assert "Profile 100% complete" in html and "Your profile is complete." in html
    assert "Your profile is saved." in html


def test_bio_limit_is_shown_counted_and_enforced(client, alice, skills):
    client.force_login(alice)
    html = client.get(PROFILE).content.decode()
    assert f"Up to {StudentProfile.BIO_MAX_LENGTH} characters." in html
    assert 'data-counter="bio-count"' in html and 'src="/static/js/counter.js"' in html
    response = client.post(PROFILE, full_form(skills, bio="x" * (StudentProfile.BIO_MAX_LENGTH + 1)))
    assert response.status_code == 200
    assert "Ensure this value has at most 600 characters" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["https://twitter.com/in/alice", "https://www.linkedin.com/company/acme", "https://linkedin.com.evil.example/in/x"],
)
def test_linkedin_must_be_a_profile_address(client, alice, skills, url):
    client.force_login(alice)
    response = client.post(PROFILE, full_form(skills, linkedin_url=url))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter your LinkedIn profile address" in html
    assert 'value="B.S. Biology"' in html  # the rest of the form is kept
    assert not StudentProfile.objects.filter(user=alice).exclude(program="").exists()


def test_linkedin_profile_address_without_scheme_is_accepted(client, alice, skills):
    client.force_login(alice)
    client.post(PROFILE, full_form(skills, linkedin_url="linkedin.com/in/alice-adams"))
    assert StudentProfile.objects.get(user=alice).linkedin_url == "https://linkedin.com/in/alice-adams"


BAD_RESUMES = [
    ("resume.docx", b"PK\x03\x04 word document", "Upload a PDF file"),
    ("resume.pdf", b"MZ\x90\x00\x03 this is an executable", "its content is not one"),
    ("resume.pdf", b"%PDF-1.7\nnot really a pdf at all\n%%EOF", "could not be opened"),
    ("resume.pdf", b"", "This file is empty"),
    ("resume", pdf_bytes(), "Upload a PDF file"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_RESUMES)
def test_bad_resume_is_refused_beside_the_field_and_the_form_is_kept(client, alice, skills, name, content, message):
    client.force_login(alice)
    response = client.post(PROFILE, full_form(skills, resume=SimpleUploadedFile(name, content)))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    # The message sits with the résumé field, and what was typed is still there.
    field = html[html.index('for="id_resume"') : html.index('name="resume"')]
    assert message in field
    assert 'value="B.S. Biology"' in html and "I like data and people." in html
    assert not StudentProfile.objects.filter(user=alice).exclude(resume="").exists()


def test_too_large_resume_is_refused(client, alice, skills, settings):
    settings.RESUME_MAX_BYTES = 1024
    client.force_login(alice)
    big = SimpleUploadedFile("resume.pdf", pdf_bytes() + b"\n%" + b"x" * 2048)
    html = client.post(PROFILE, full_form(skills, resume=big)).content.decode()
    assert "the limit is 1.0\xa0KB" in html


def test_resume_size_limit_is_a_setting_of_five_megabytes():
    from django.conf import settings

    assert settings.RESUME_MAX_BYTES == 5 * 1024 * 1024


def test_password_protected_pdf_is_refused(client, alice, skills):
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    client.force_login(alice)
    html = client.post(PROFILE, full_form(skills, resume=SimpleUploadedFile("r.pdf", buffer.getvalue()))).content
    assert "protected with a password" in html.decode()


def test_replacing_the_resume_removes_the_old_file(client, alice, skills, django_capture_on_commit_callbacks):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PROFILE, full_form(skills))
    old = StudentProfile.objects.get(user=alice).resume
    old_name, storage = old.name, old.storage
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PROFILE, full_form(skills, resume=pdf_upload("new.pdf")))
    new_name = StudentProfile.objects.get(user=alice).resume.name
    assert new_name != old_name
    assert storage.exists(new_name)
    assert not storage.exists(old_name)


def test_saving_without_a_new_file_keeps_the_resume(client, alice, skills):
    client.force_login(alice)
    client.post(PROFILE, full_form(skills))
    name = StudentProfile.objects.get(user=alice).resume.name
    client.post(PROFILE, full_form(skills, resume=None, program="B.A. History"))
    profile = StudentProfile.objects.get(user=alice)
    assert profile.resume.name == name and profile.program == "B.A. History"


@pytest.fixture
def alices_resume(alice):
    profile = StudentProfileFactory(user=alice)
    profile.resume.save("resume.pdf", pdf_upload(), save=True)
    return profile


@pytest.mark.parametrize("person", [None, "bob", "carol"])
def test_resume_is_404_to_everyone_else(client, request, alices_resume, person):
    if person:
        client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("portal:resume-of", args=[alices_resume.pk])).status_code == 404
    # Their own "/profile/resume/" never serves someone else's file either.
    assert client.get("/profile/resume/").status_code == 404


def test_resume_is_served_to_its_owner_as_an_attachment(client, alice, alices_resume):
    client.force_login(alice)
    response = client.get("/profile/resume/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert read_download(response).startswith(b"%PDF-")


def test_resume_is_served_to_career_center_staff(client, sid, alices_resume):
    admin_login(client, sid)
    response = client.get(reverse("portal:resume-of", args=[alices_resume.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    read_download(response)


def test_staff_without_the_career_center_role_get_404(client, alices_resume):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory())
    assert client.get(reverse("portal:resume-of", args=[alices_resume.pk])).status_code == 404


def test_uploads_are_not_under_a_public_url(alices_resume, settings):
    assert settings.STORAGES["default"]["OPTIONS"]["base_url"] is None
    assert "static" not in str(alices_resume.resume.path)


def test_staff_find_profiles_in_the_admin(client, sid, alices_resume, bob):
    StudentProfileFactory(user=bob, program="Economics")
    admin_login(client, sid)
    html = client.get("/admin/portal/studentprofile/?q=biology").content.decode()
    assert "alice@example.edu" in html and "bob@example.edu" not in html
    html = client.get("/admin/portal/studentprofile/?resume=no").content.decode()
    assert "bob@example.edu" in html and "alice@example.edu" not in html
    html = client.get(f"/admin/portal/studentprofile/{alices_resume.pk}/change/").content.decode()
    assert reverse("portal:resume-of", args=[alices_resume.pk]) in html
