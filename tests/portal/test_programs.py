"""Programs: students pick theirs on the profile, staff map free-text majors in the admin, and
the private first-generation and Pell answers stay out of every staff page about one person."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from portal.models import Program, StudentProfile
from tests.factories import StudentProfileFactory
from tests.signin import admin_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def biology(db):
    return Program.objects.create(name="B.S. Biology", school="School of Science", level="undergraduate")


@pytest.fixture
def chemistry(db):
    return Program.objects.create(name="B.S. Chemistry", school="School of Science", level="undergraduate")


def test_student_picks_several_programs_and_answers_the_private_questions(client, alice, biology, chemistry):
    client.force_login(alice)
    page = client.get("/profile/").content.decode()
    assert "B.S. Biology (Undergraduate, School of Science)" in page
    assert "Are you a first-generation college student?" in page
    response = client.post(
        "/profile/",
        {
            "first_name": "Alice",
            "last_name": "Adams",
            "programs": [biology.pk, chemistry.pk],
            "first_generation": "yes",
            "pell_eligible": "",
        },
    )
    assert response.status_code == 302
    profile = StudentProfile.objects.get(user=alice)
    assert set(profile.programs.all()) == {biology, chemistry}
    assert profile.first_generation is True and profile.pell_eligible is None
    assert "your program or major" not in profile.missing()  # a program from the list is enough
    page = client.get("/profile/").content.decode()
    assert re.search(r'<input type="radio" name="first_generation" value="yes"[^>]*checked', page)


def test_staff_map_free_text_majors_to_a_program_and_the_text_stays(client, sid, biology):
    typed = [StudentProfileFactory(program="Biology BS") for _ in range(2)]
    other = StudentProfileFactory(program="History")
    admin_login(client, sid)
    url = reverse("admin:portal_studentprofile_changelist")
    selected = {"action": "map_to_program", ACTION_CHECKBOX_NAME: [p.pk for p in typed]}
    page = client.post(url, selected).content.decode()
    assert "Map to a program" in page
    response = client.post(url, {**selected, "program": biology.pk, "reason_given": "1"})
    assert response.status_code == 302
    for profile in typed:
        profile.refresh_from_db()
        assert list(profile.programs.all()) == [biology] and profile.program == "Biology BS"
    assert not other.programs.exists()
    # Running it again adds nothing twice.
    client.post(url, {**selected, "program": biology.pk, "reason_given": "1"})
    assert StudentProfile.programs.through.objects.filter(program=biology).count() == 2
    # Staff find the profiles still to map.
    unmapped = client.get(url, {"program_chosen": "no"}).content.decode()
    assert "History" in unmapped and "Biology BS" not in unmapped


def test_staff_never_see_one_students_private_answers(client, sid, alice):
    profile = StudentProfileFactory(user=alice, first_generation=True, pell_eligible=True)
    admin_login(client, sid)
    page = client.get(reverse("admin:portal_studentprofile_change", args=[profile.pk])).content.decode()
    assert "first_generation" not in page and "pell" not in page.lower()


def test_career_center_keeps_the_program_list(client, sid):
    admin_login(client, sid)
    response = client.post(
        reverse("admin:portal_program_add"),
        {"name": "Certificate in Data Analytics", "school": "Continuing Studies", "level": "certificate"},
    )
    assert response.status_code == 302
    assert Program.objects.get().get_level_display() == "Certificate"
